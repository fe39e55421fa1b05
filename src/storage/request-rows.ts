// What every request log backend shares: matching a row against a filter, copying a record, and checking a limit.
import type { RequestFilter, RequestRecord } from './types.js';

/** Whether `record` matches every field `filter` gives (a number status is the HTTP status). */
export function matchesRequest(record: RequestRecord, filter: RequestFilter): boolean {
  if (filter.model !== undefined && record.modelUsed !== filter.model) return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.clientId !== undefined && record.clientId !== filter.clientId) return false;
  if (filter.since !== undefined && !(record.ts >= filter.since)) return false;
  if (typeof filter.status === 'number') return record.httpStatus === filter.status;
  return filter.status === undefined || record.status === filter.status;
}

/** A deep copy of `record` (its attempts and content are objects of their own). */
export function copyRequest<T extends RequestRecord>(record: T): T {
  const copy = { ...record, attempts: record.attempts.map((attempt) => ({ ...attempt })) };
  if (record.content !== undefined) copy.content = { ...record.content };
  return copy;
}

/** A page size as the stores take it: an integer of at least 1 (the route bounds it from above). */
export function pageSize(limit: number): number {
  return Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1;
}

/** The error a store rejects an unreadable `before` with. */
export function badCursor(before: string): RangeError {
  return new RangeError(`not a request id of this log: ${JSON.stringify(before.slice(0, 40))}`);
}
