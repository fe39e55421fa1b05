// Chat stream chunks → the Responses event stream (response.created … response.completed / incomplete / failed), with a
// sequence_number on every event. Pure: the route writes the events it returns.
import type { ChatCompletionChunk, FinishReason, Usage } from '../../providers/types.js';
import { endOf, responseShell, textPart, usageOf, type ResponseFrame } from './from-chat.js';
import { itemId } from './ids.js';
import type { FunctionCallItem, MessageItem, OutputItem, ResponseObject } from './types.js';

/** One event of the stream, as sent in `data:` (its `type` is also the SSE `event:` name). */
export type ResponseEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** Turns one run's chat chunks into Responses events; call start, chunk for each chunk, then finish or fail. */
export interface EventTranslator {
  start(): ResponseEvent[];
  chunk(chunk: ChatCompletionChunk): ResponseEvent[];
  /** The closing events; the response they end with is `response()`. */
  finish(now: number): ResponseEvent[];
  /** `response.failed`, after the run broke mid-stream. */
  fail(message: string): ResponseEvent[];
  /** The response as it stands (whole after finish or fail). */
  response(): ResponseObject;
}

export function createEventTranslator(frame: ResponseFrame, model: string): EventTranslator {
  const current = responseShell(frame, model);
  const output: OutputItem[] = current.output;
  let seq = 0;
  let text: { item: MessageItem; index: number } | undefined;
  /** Chat tool-call index → its output item (they stay open until the end). */
  const calls = new Map<number, { item: FunctionCallItem; index: number }>();
  let finish: FinishReason | null = null;
  let usage: Usage | null | undefined;
  // An event's fields come in parts (where it is, what it says), copied after `type`: a literal that starts with a
  // spread and adds fields (`{ ...where, text }`) makes a new hidden class per call on Node 20 (docs/BENCHMARKS.md,
  // "Hidden classes made per request").
  const event = (type: string, ...parts: Record<string, unknown>[]): ResponseEvent =>
    Object.assign({ type, sequence_number: seq++ }, ...parts);
  const snapshot = (): ResponseObject => structuredClone(current);

  const closeText = (status: MessageItem['status'], out: ResponseEvent[]) => {
    if (text === undefined) return;
    const { item, index } = text;
    const part = item.content[0]!;
    const where = { item_id: item.id, output_index: index, content_index: 0 };
    if (part.type === 'output_text')
      out.push(event('response.output_text.done', where, { text: part.text, logprobs: [] }));
    out.push(event('response.content_part.done', where, { part: structuredClone(part) }));
    item.status = status;
    out.push(event('response.output_item.done', { output_index: index, item: structuredClone(item) }));
    text = undefined;
  };

  const addText = (delta: string, out: ResponseEvent[]) => {
    if (text === undefined) {
      const index = output.length;
      const item: MessageItem = {
        id: itemId(frame.id, 'msg', index),
        type: 'message',
        role: 'assistant',
        status: 'in_progress',
        content: [],
      };
      output.push(item);
      out.push(event('response.output_item.added', { output_index: index, item: structuredClone(item) }));
      item.content.push(textPart(''));
      out.push(
        event('response.content_part.added', {
          item_id: item.id,
          output_index: index,
          content_index: 0,
          part: textPart(''),
        }),
      );
      text = { item, index };
    }
    if (delta === '') return;
    const part = text.item.content[0] as { text: string };
    part.text += delta;
    out.push(
      event('response.output_text.delta', {
        item_id: text.item.id,
        output_index: text.index,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
  };

  const addCall = (
    delta: NonNullable<ChatCompletionChunk['choices'][0]['delta']['tool_calls']>[0],
    out: ResponseEvent[],
  ) => {
    let open = calls.get(delta.index);
    if (open === undefined) {
      closeText('completed', out);
      const index = output.length;
      const item: FunctionCallItem = {
        id: itemId(frame.id, 'fc', index),
        type: 'function_call',
        call_id: delta.id ?? `call_${frame.id.slice(5)}_${index}`,
        name: delta.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      output.push(item);
      out.push(event('response.output_item.added', { output_index: index, item: structuredClone(item) }));
      open = { item, index };
      calls.set(delta.index, open);
    } else if (delta.function?.name) open.item.name += delta.function.name;
    const args = delta.function?.arguments;
    if (args) {
      open.item.arguments += args;
      out.push(
        event('response.function_call_arguments.delta', {
          item_id: open.item.id,
          output_index: open.index,
          delta: args,
        }),
      );
    }
  };

  return {
    start: () => [
      event('response.created', { response: snapshot() }),
      event('response.in_progress', { response: snapshot() }),
    ],
    chunk(chunk) {
      const out: ResponseEvent[] = [];
      current.model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (choice === undefined) return out;
      const piece = (choice.delta.content ?? '') + (choice.delta.refusal ?? '');
      if (piece !== '') addText(piece, out);
      for (const call of choice.delta.tool_calls ?? []) addCall(call, out);
      if (choice.finish_reason) finish = choice.finish_reason;
      return out;
    },
    finish(now) {
      const out: ResponseEvent[] = [];
      const end = endOf(finish);
      const status = end.status === 'completed' ? 'completed' : 'incomplete';
      // An answer with neither text nor calls is still one (empty) message, as a whole response has.
      if (output.length === 0) addText('', out);
      closeText(status, out);
      for (const { item, index } of calls.values()) {
        item.status = status;
        const where = { item_id: item.id, output_index: index };
        out.push(event('response.function_call_arguments.done', where, { name: item.name, arguments: item.arguments }));
        out.push(event('response.output_item.done', { output_index: index, item: structuredClone(item) }));
      }
      Object.assign(current, end, { usage: usageOf(usage) });
      if (end.status === 'completed') current.completed_at = Math.floor(now / 1000);
      out.push(
        event(end.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: snapshot() }),
      );
      return out;
    },
    fail(message) {
      for (const item of output) if (item.status === 'in_progress') item.status = 'incomplete';
      Object.assign(current, { status: 'failed', error: { code: 'server_error', message }, usage: usageOf(usage) });
      return [event('response.failed', { response: snapshot() })];
    },
    response: snapshot,
  };
}
