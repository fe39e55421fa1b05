// A chat completion stream (OpenAI chunks) → Anthropic's stream events: message_start, ping, content blocks (text as
// text_delta, tool calls as tool_use blocks with input_json_delta), message_delta with the stop reason and usage, and
// message_stop.
import type { ChatCompletionChunk, FinishReason, ToolCallDelta } from '../../providers/types.js';
import { tokens } from '../../routing/tokens.js';
import { messageUsage, stopReason } from './message.js';
import { StopScanner } from './stop-scanner.js';

/** One event: its `type` is also the SSE event name. */
export type AnthropicEvent = { type: string } & Record<string, unknown>;

export interface EventOptions {
  /** The message id (messageId of the run). */
  id: string;
  /** The input tokens message_start reports before the upstream's count arrives (an estimate). */
  inputEstimate: number;
  stopSequences?: readonly string[];
}

/** The block being written: text, or the tool call of OpenAI index `tool`. */
type OpenBlock = { index: number; kind: 'text' } | { index: number; kind: 'tool'; tool: number };

/**
 * Translates `chunks` into Anthropic events. message_start comes with the first chunk (so an upstream that fails
 * before answering fails the request with an HTTP error, not a stream). At a stop sequence the upstream is left (the
 * chunks' generator is returned, which ends its call). An error of `chunks` is thrown on, after the events so far.
 */
export async function* anthropicEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: EventOptions,
): AsyncGenerator<AnthropicEvent> {
  const scanner = new StopScanner(options.stopSequences ?? []);
  const toolBlocks = new Map<number, number>();
  let open: OpenBlock | undefined;
  let next = 0;
  let started = false;
  let finish: FinishReason | null = null;
  let usage: { input: number; output: number } | undefined;
  let matched: string | undefined;
  let written = '';

  const start = (model: string): AnthropicEvent[] => {
    started = true;
    const message = {
      id: options.id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: messageUsage(options.inputEstimate, 0),
    };
    return [{ type: 'message_start', message }];
  };
  // Anthropic pings once the first block has started (a message with no block pings before its end).
  let pinged = false;
  const ping = (): AnthropicEvent[] => {
    if (pinged) return [];
    pinged = true;
    return [{ type: 'ping' }];
  };
  const close = (): AnthropicEvent[] => {
    if (open === undefined) return [];
    const index = open.index;
    open = undefined;
    return [{ type: 'content_block_stop', index }];
  };
  const text = (piece: string): AnthropicEvent[] => {
    if (piece === '') return [];
    written += piece;
    const events = open?.kind === 'text' ? [] : [...close(), openText(), ...ping()];
    const index = open!.index;
    return [...events, { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }];
  };
  const openText = (): AnthropicEvent => {
    open = { index: next++, kind: 'text' };
    return {
      type: 'content_block_start',
      index: open.index,
      content_block: { type: 'text', text: '', citations: null },
    };
  };
  const tool = (delta: ToolCallDelta): AnthropicEvent[] => {
    const events: AnthropicEvent[] = [];
    let index = toolBlocks.get(delta.index);
    if (index === undefined) {
      events.push(...close());
      index = next++;
      toolBlocks.set(delta.index, index);
      open = { index, kind: 'tool', tool: delta.index };
      const id = delta.id ?? `toolu_${options.id}_${delta.index}`;
      const name = delta.function?.name ?? '';
      const block = { type: 'tool_use', id, name, input: {}, caller: { type: 'direct' } };
      events.push({ type: 'content_block_start', index, content_block: block }, ...ping());
    }
    const partial = delta.function?.arguments ?? '';
    if (partial !== '') {
      written += partial;
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
    }
    return events;
  };

  for await (const chunk of chunks) {
    if (!started) yield* start(chunk.model);
    if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    const { content, tool_calls: calls } = choice.delta;
    if (content) {
      const scanned = scanner.push(content);
      yield* text(scanned.text);
      if (scanned.matched !== undefined) {
        matched = scanned.matched;
        break; // leaves the upstream: the answer ends at the stop sequence
      }
    }
    for (const call of calls ?? []) {
      // Text held back by the scanner comes before the tool call that follows it.
      yield* text(scanner.flush());
      yield* tool(call);
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (!started) yield* start('');
  yield* ping();
  if (matched === undefined) yield* text(scanner.flush());
  yield* close();
  const output = usage?.output ?? tokens.count(written);
  yield {
    type: 'message_delta',
    delta: {
      stop_reason: stopReason(finish, matched),
      stop_sequence: matched ?? null,
      container: null,
      stop_details: null,
    },
    usage: {
      input_tokens: usage?.input ?? options.inputEstimate,
      output_tokens: output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      server_tool_use: null,
      output_tokens_details: null,
    },
  };
  yield { type: 'message_stop' };
}
