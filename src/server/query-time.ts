// Times in query strings (from, to, since): ISO-8601 dates or times, or milliseconds since the epoch; zone-less times
// are UTC.
import { badRequest } from '../errors.js';

/** `YYYY-MM-DD`, optionally `THH:MM[:SS[.sss]]`, optionally `Z` or `±HH:MM`: ISO-8601 as Date.parse reads it. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Milliseconds since the epoch, or undefined when absent; a date-time without a zone is read as UTC. */
export function parseTimeParam(value: unknown, param: string): number | undefined {
  if (value === undefined) return undefined;
  const invalid = () =>
    badRequest(`'${param}' must be an ISO-8601 date or time, or milliseconds since the epoch`, param);
  if (typeof value !== 'string') throw invalid(); // repeated (?from=a&from=b) or nested (?from[x]=)
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text);
  else if (ISO_8601.test(text) && isCalendarDate(text)) ms = Date.parse(/T[^Z+-]*$/i.test(text) ? `${text}Z` : text);
  else throw invalid();
  // Date's own limit (±8.64e15 ms): beyond it toISOString would throw.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw invalid();
  return ms;
}

/**
 * The range `from`..`to` of a query (both included): `to` defaults to `now`, `from` to `defaultSpanMs` before `to`;
 * a `from` after `to` is refused.
 */
export function parseRange(
  query: Record<string, unknown>,
  now: number,
  defaultSpanMs: number,
): { from: number; to: number } {
  const to = parseTimeParam(query['to'], 'to') ?? now;
  const from = parseTimeParam(query['from'], 'from') ?? to - defaultSpanMs;
  if (from > to)
    throw badRequest(`'from' (${new Date(from).toISOString()}) is after 'to' (${new Date(to).toISOString()})`, 'from');
  return { from, to };
}

/** Date.parse reads 2024-02-30 as March 1st: refuse a day the month does not have. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
