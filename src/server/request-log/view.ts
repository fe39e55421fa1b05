// A request log row as people and programs see it: snake_case, every field present (null when unknown); the same
// object is the structured log line and an item of GET /v1/requests.
import type { RequestRecord, StoredRequest } from '../../storage/types.js';

/** A request row in the API and the log line. */
export interface RequestView {
  /** The row's id in the log (GET /v1/requests: pass it as `before` for older rows); absent from the log line. */
  id?: string;
  /** When the request arrived (ms since the epoch). */
  ts: number;
  run_id: string | null;
  route: string;
  /** The client key's id, or null (admin, auth off). */
  client: string | null;
  model_asked: string | null;
  model_used: string | null;
  provider: string | null;
  stream: boolean;
  status: RequestRecord['status'];
  http_status: number;
  error: string | null;
  attempts: Array<{ model: string; provider: string; ms: number; error: string | null }>;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cache_hit: boolean;
  /** Content logging only. */
  content?: { prompt: string; answer: string | null };
}

/** The view of a record (with its id when it is a stored row). */
export function requestView(record: RequestRecord | StoredRequest): RequestView {
  return {
    ...('id' in record ? { id: record.id } : {}),
    ts: record.ts,
    run_id: record.runId ?? null,
    route: record.route,
    client: record.clientId ?? null,
    model_asked: record.modelAsked ?? null,
    model_used: record.modelUsed ?? null,
    provider: record.provider ?? null,
    stream: record.stream,
    status: record.status,
    http_status: record.httpStatus,
    error: record.error ?? null,
    attempts: record.attempts.map((a) => ({ model: a.model, provider: a.provider, ms: a.ms, error: a.error ?? null })),
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs ?? null,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cost_usd: record.costUsd,
    cache_hit: record.cacheHit,
    ...(record.content === undefined
      ? {}
      : { content: { prompt: record.content.prompt, answer: record.content.answer ?? null } }),
  };
}
