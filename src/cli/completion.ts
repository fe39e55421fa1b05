// One chat completion from the CLI (`chat`, `ask`): the request body with Switchboard's routing fields, and the streamed
// answer read token by token with what the gateway's x-switchboard-* headers say about who answered.
import { Option, type Command } from 'commander';
import { MODEL_QUALITIES, type ModelQuality } from '../config/schema.js';
import type { ChatCompletionChunk, Usage } from '../providers/types.js';
import { readSse } from '../providers/sse.js';
import { AUTO_MODEL } from '../routing/plan.js';
import { CliError, gatewayFetch, type GatewayOptions } from './gateway-client.js';

/** A conversation turn as the gateway takes it (and /save writes it): OpenAI's message shape, text only. */
export interface Turn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** How a request is routed: a model (`auto` lets the gateway choose), the mode it ranks models by, a provider pin. */
export interface Routing {
  model: string;
  /** The gateway's `model_quality`; unset, the gateway's default mode applies. */
  mode?: ModelQuality | undefined;
  /** The gateway's `provider` field: only this provider's models. */
  provider?: string | undefined;
}

/** The options `chat` and `ask` share: how a question is routed, and a system prompt. */
export interface AskOptions extends GatewayOptions {
  model?: string;
  mode?: ModelQuality;
  provider?: string;
  system?: string;
}

/** Adds --model, --mode, --provider and --system (for `chat` and `ask`). */
export function withRoutingOptions(command: Command): Command {
  return command
    .option('-m, --model <name>', `the model to ask, as provider/model (default: ${AUTO_MODEL}, the gateway chooses)`)
    .addOption(new Option('--mode <mode>', `how ${AUTO_MODEL} chooses a model`).choices(MODEL_QUALITIES))
    .option('--provider <id>', "only this provider's models")
    .option('-s, --system <text>', 'a system prompt');
}

/** The routing the options ask for. */
export function routingOf(options: AskOptions): Routing {
  return { model: options.model ?? AUTO_MODEL, mode: options.mode, provider: options.provider };
}

/** The body of POST /v1/chat/completions for `messages` routed as `routing` says. */
export function chatBody(routing: Routing, messages: Turn[], stream: boolean): Record<string, unknown> {
  return {
    model: routing.model,
    messages,
    ...(routing.mode === undefined ? {} : { model_quality: routing.mode }),
    ...(routing.provider === undefined ? {} : { provider: routing.provider }),
    // The last chunk then carries the token counts, for the status line.
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/** What the status line after an answer says: who answered, after how many attempts, how fast, how much. */
export interface AnswerInfo {
  text: string;
  /** The provider that answered (absent on an answer from the gateway's cache). */
  provider?: string | undefined;
  /** The model (`provider/model`) that answered, or wrote the cached answer. */
  model?: string | undefined;
  attempts?: number | undefined;
  cached: boolean;
  usage?: Usage | undefined;
  /** From sending the request to the last byte, and to the first token. */
  totalMs: number;
  firstTokenMs?: number | undefined;
}

/**
 * Sends `body` (a streaming request) and calls `onText` with each piece of the answer as it arrives. Resolves with
 * the whole answer and what the headers said; rejects with CliError on a gateway error (before or mid-stream), and
 * with an AbortError when `signal` aborts.
 */
export async function streamCompletion(
  options: GatewayOptions,
  body: Record<string, unknown>,
  onText: (text: string) => void,
  signal?: AbortSignal,
): Promise<AnswerInfo> {
  const started = performance.now();
  const response = await gatewayFetch(options, 'POST', '/v1/chat/completions', {
    body,
    use: 'client',
    ...(signal ? { signal } : {}),
  });
  const header = (name: string) => response.headers.get(`x-switchboard-${name}`) ?? undefined;
  const attempts = header('attempts');
  const info: AnswerInfo = {
    text: '',
    provider: header('provider'),
    model: header('model'),
    attempts: attempts === undefined ? undefined : Number(attempts),
    cached: header('cache') === 'hit',
    totalMs: 0,
  };
  if (response.body === null) throw new CliError('the gateway sent an empty answer');
  let done = false;
  try {
    for await (const event of readSse(response.body)) {
      if (event.data === '[DONE]') {
        done = true;
        break;
      }
      const chunk = JSON.parse(event.data) as Partial<ChatCompletionChunk> & { error?: { message?: string } };
      // The gateway's in-stream error event (src/server/sse.ts): the upstream failed after the answer had begun.
      if (chunk.error !== undefined)
        throw new CliError(`${chunk.error.message ?? 'the answer broke off'} (the answer is incomplete: ask again)`);
      if (chunk.usage) info.usage = chunk.usage;
      const piece = chunk.choices?.[0]?.delta.content;
      if (!piece) continue;
      info.firstTokenMs ??= performance.now() - started;
      info.text += piece;
      onText(piece);
    }
  } catch (err) {
    if (err instanceof CliError || (err as Error).name === 'AbortError') throw err;
    done = false;
  }
  // No [DONE]: the connection closed (or sent something else) before the answer was complete.
  if (!done) throw new CliError('the answer broke off: the connection to the gateway closed mid-answer (try again)');
  info.totalMs = performance.now() - started;
  return info;
}
