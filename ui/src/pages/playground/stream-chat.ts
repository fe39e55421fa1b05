// One streamed chat completion from the gateway: the answer's text as it arrives, and what the gateway said of the
// run (its id, the provider and model that answered, attempts) from its x-switchboard-* headers.
import { createParser } from 'eventsource-parser';
import { ApiError, authHeaders } from '../../api/client';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export type Mode = 'fastest' | 'balanced' | 'best_quality';

/** What the headers say of the run, and what the browser measured. */
export interface AnswerInfo {
  runId: string | null;
  provider: string | null;
  model: string | null;
  attempts: number | null;
  /** From sending to the first text. */
  firstTokenMs: number | null;
  /** From sending to the end of the stream. */
  totalMs: number;
  /** The model the stream's chunks name last: after a failover mid-stream, the one that finished. */
  finishedBy: string | null;
}

interface Chunk {
  model?: string;
  choices?: { delta?: { content?: string | null } }[];
  error?: { message?: string };
}

/**
 * Sends the conversation with `stream: true` and calls `onText` with each piece of the answer. Throws ApiError with
 * the gateway's message when it refuses; an abort (the Stop button) ends it early with what arrived.
 */
export async function streamChat(options: {
  model: string;
  mode: Mode;
  messages: ChatTurn[];
  signal: AbortSignal;
  onText: (text: string) => void;
  /** Told the run's id before the request goes, so the run can be followed while it runs. */
  onRunId?: (runId: string) => void;
  now?: () => number;
}): Promise<AnswerInfo> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  // A run id of our own: the gateway records the events of runs whose id the client chose, so the run can be
  // followed live and replayed from its page.
  const runId = `playground_${crypto.randomUUID()}`;
  options.onRunId?.(runId);
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json', 'x-switchboard-run-id': runId },
    body: JSON.stringify({
      model: options.model,
      messages: options.messages,
      stream: true,
      ...(options.model === 'auto' ? { model_quality: options.mode } : {}),
    }),
    signal: options.signal,
  });
  if (!response.ok || response.body === null) {
    const body = (await response.json().catch(() => undefined)) as Chunk | undefined;
    throw new ApiError(body?.error?.message ?? `HTTP ${response.status}`, response.status);
  }
  let firstTokenMs: number | null = null;
  let finishedBy: string | null = null;
  let failure: string | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') return;
      const chunk = JSON.parse(event.data) as Chunk;
      if (chunk.error) failure = chunk.error.message ?? 'the stream failed';
      if (chunk.model) finishedBy = chunk.model;
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) {
        firstTokenMs ??= now() - started;
        options.onText(text);
      }
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
  if (failure !== undefined) throw new ApiError(failure, 502);
  const attempts = response.headers.get('x-switchboard-attempts');
  return {
    runId: response.headers.get('x-switchboard-run-id') ?? runId,
    provider: response.headers.get('x-switchboard-provider'),
    model: response.headers.get('x-switchboard-model'),
    attempts: attempts === null ? null : Number(attempts),
    firstTokenMs,
    totalMs: now() - started,
    finishedBy,
  };
}
