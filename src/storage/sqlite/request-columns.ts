// The columns of the SQLite request log: a record as the values of its INSERT, and a row read back as a record.
import type { RequestRecord, RequestStatus, StoredRequest } from '../types.js';

/** A row of `requests` as SELECT * reads it. */
export interface Row {
  id: number;
  ts: number;
  run_id: string | null;
  route: string;
  client_id: string | null;
  model_asked: string | null;
  model_used: string | null;
  provider: string | null;
  stream: number;
  status: RequestStatus;
  http_status: number;
  error: string | null;
  attempts: string;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cache_hit: number;
  content: string | null;
}

/** The INSERT's columns, in the order toRow gives their values. */
export const INSERT_COLUMNS = `ts, run_id, route, client_id, model_asked, model_used, provider, stream, status, http_status,
     error, attempts, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, cache_hit, content`;

/** A row's values in INSERT_COLUMNS' order (strings and numbers only: nothing in it refers back to the record). */
export type RowValues = Array<string | number | null>;

/** The values of `r`'s row, in INSERT_COLUMNS' order. */
export function toRow(r: RequestRecord): RowValues {
  return [
    r.ts,
    r.runId ?? null,
    r.route,
    r.clientId ?? null,
    r.modelAsked ?? null,
    r.modelUsed ?? null,
    r.provider ?? null,
    r.stream ? 1 : 0,
    r.status,
    r.httpStatus,
    r.error ?? null,
    JSON.stringify(r.attempts),
    r.latencyMs,
    r.ttftMs ?? null,
    r.promptTokens,
    r.completionTokens,
    r.costUsd,
    r.cacheHit ? 1 : 0,
    r.content === undefined ? null : JSON.stringify(r.content),
  ];
}

/** The record of a row read back, with its id. */
export function fromRow(row: Row): StoredRequest {
  const record: StoredRequest = {
    id: String(row.id),
    ts: row.ts,
    route: row.route,
    stream: row.stream === 1,
    status: row.status,
    httpStatus: row.http_status,
    attempts: JSON.parse(row.attempts) as StoredRequest['attempts'],
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    cacheHit: row.cache_hit === 1,
  };
  if (row.run_id !== null) record.runId = row.run_id;
  if (row.client_id !== null) record.clientId = row.client_id;
  if (row.model_asked !== null) record.modelAsked = row.model_asked;
  if (row.model_used !== null) record.modelUsed = row.model_used;
  if (row.provider !== null) record.provider = row.provider;
  if (row.error !== null) record.error = row.error;
  if (row.ttft_ms !== null) record.ttftMs = row.ttft_ms;
  if (row.content !== null) record.content = JSON.parse(row.content) as StoredRequest['content'] & object;
  return record;
}
