// The in-memory request log: one bounded buffer in append order, trimmed by count and by age, for one process.
import { badCursor, copyRequest, matchesRequest, pageSize } from '../request-rows.js';
import type { RequestLogOptions, RequestLogStore, RequestRecord, StoredRequest } from '../types.js';

/** Dropped slots are reclaimed once there are this many and they are half the array: amortised O(1) per append. */
const COMPACT_AT = 1_024;

interface Row {
  seq: number;
  record: RequestRecord;
}

/**
 * Creates the embedded request log. Rows get ids 1, 2, 3... in append order, so a row's place in the buffer follows
 * from its id and a page starts without a search. Age is measured with `now` (tests inject a clock); rows past the
 * retention are trimmed from the head and never listed, even one that arrived late behind newer ones.
 */
export function createMemoryRequestLog(options: RequestLogOptions, now: () => number = Date.now): RequestLogStore {
  const maxRows = Math.max(1, Math.floor(options.maxRows));
  const retentionMs = Math.max(0, options.retentionMs);
  /** Stored rows are `rows[head..]`, with consecutive seqs; slots before `head` await compaction. */
  let rows: Row[] = [];
  let head = 0;
  let nextSeq = 1;

  function trim(): void {
    const cutoff = now() - retentionMs;
    if (rows.length - head > maxRows) head = rows.length - maxRows;
    while (head < rows.length && rows[head]!.record.ts < cutoff) head += 1;
    if (head >= COMPACT_AT && head * 2 >= rows.length) {
      rows = rows.slice(head);
      head = 0;
    }
  }

  return {
    append(record) {
      rows.push({ seq: nextSeq, record: copyRequest(record) });
      nextSeq += 1;
      trim();
    },
    async list(query) {
      trim();
      let start = rows.length - 1;
      if (query.before !== undefined) {
        if (!/^\d{1,15}$/.test(query.before)) throw badCursor(query.before);
        if (head < rows.length) start = Math.min(start, head + (Number(query.before) - 1 - rows[head]!.seq));
      }
      const limit = pageSize(query.limit);
      const cutoff = now() - retentionMs;
      const found: StoredRequest[] = [];
      for (let i = start; i >= head && found.length <= limit; i -= 1) {
        const { seq, record } = rows[i]!;
        if (record.ts >= cutoff && matchesRequest(record, query))
          found.push({ ...copyRequest(record), id: String(seq) });
      }
      // One more than a page was looked for: when it was found, there are older rows to list.
      if (found.length <= limit) return { rows: found };
      found.pop();
      return { rows: found, next: found[found.length - 1]!.id };
    },
    async flush() {
      // Appends are synchronous here: nothing is ever in flight.
    },
  };
}
