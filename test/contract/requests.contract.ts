// The RequestLogStore contract: one suite that every backend (memory, SQLite, Redis) must pass.
import { describe, expect, it } from 'vitest';
import type {
  RequestLogOptions,
  RequestLogStore,
  RequestQuery,
  RequestRecord,
  StoredRequest,
} from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface RequestLogBackend {
  /** Opens an empty store; `close` is called after each test. */
  open(options: RequestLogOptions): Promise<RequestLogStore & { close?(): Promise<void> }>;
  /** The time the store's clock reads now (an injected clock, or Date.now). */
  now(): number;
}

/** A request row at `ts`; `overrides` set the rest. */
export function requestRecord(ts: number, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    ts,
    runId: 'run_1',
    route: 'chat',
    modelAsked: 'auto',
    modelUsed: 'groq/llama',
    provider: 'groq',
    stream: false,
    status: 'ok',
    httpStatus: 200,
    attempts: [{ model: 'groq/llama', provider: 'groq', ms: 120 }],
    latencyMs: 130,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0,
    cacheHit: false,
    ...overrides,
  };
}

const DAY = 86_400_000;
const roomy: RequestLogOptions = { retentionMs: DAY, maxRows: 10_000 };
const without = ({ id: _id, ...record }: StoredRequest): RequestRecord => record;
const runIds = (rows: RequestRecord[]) => rows.map((row) => row.runId);

/** Every page of `query` from the newest, following `next`. */
async function allPages(store: RequestLogStore, query: RequestQuery): Promise<StoredRequest[][]> {
  const pages: StoredRequest[][] = [];
  let before: string | undefined;
  do {
    const page = await store.list({ ...query, ...(before === undefined ? {} : { before }) });
    pages.push(page.rows);
    before = page.next;
  } while (before !== undefined && pages.length < 100);
  return pages;
}

/** Registers the contract tests of a RequestLogStore backend under `name`. */
export function describeRequestLogContract(name: string, backend: RequestLogBackend): void {
  describe(`RequestLogStore contract: ${name}`, () => {
    const open = openedPerTest((options: RequestLogOptions = roomy) => backend.open(options));

    it('lists every field of each row as appended, newest first, each with an id of its own', async () => {
      const store = await open();
      const full = requestRecord(backend.now() - 2_000, {
        runId: 'full',
        clientId: 'c1',
        stream: true,
        ttftMs: 41.5,
        costUsd: 0.00012,
        cacheHit: false,
        status: 'error',
        httpStatus: 502,
        error: 'upstream_error',
        attempts: [
          { model: 'a/x', provider: 'a', ms: 10, error: 'rate_limit' },
          { model: 'b/y', provider: 'b', ms: 20 },
        ],
        content: { prompt: 'user: hi', answer: 'hello' },
      });
      const { runId: _r, modelAsked: _m, modelUsed: _u, provider: _p, ...rest } = requestRecord(backend.now() - 1_000);
      const bare: RequestRecord = {
        ...rest,
        attempts: [],
        costUsd: null,
        cacheHit: true,
        httpStatus: 400,
        status: 'error',
      };
      store.append(full);
      store.append(bare);
      await store.flush();
      const { rows, next } = await store.list({ limit: 10 });
      expect(rows.map(without)).toEqual([bare, full]);
      expect(new Set(rows.map((row) => row.id)).size).toBe(2);
      expect(next).toBeUndefined();
    });

    it('filters by model used, provider, client, status word and HTTP status, each alone and together', async () => {
      const store = await open();
      const now = backend.now() - 10_000;
      const rows: Array<Partial<RequestRecord>> = [
        { runId: 'a', clientId: 'c1', modelUsed: 'groq/llama', provider: 'groq' },
        { runId: 'b', clientId: 'c2', modelUsed: 'groq/llama', provider: 'groq', status: 'error', httpStatus: 502 },
        { runId: 'c', clientId: 'c1', modelUsed: 'mistral/small', provider: 'mistral', status: 'aborted' },
        { runId: 'd', modelUsed: 'mistral/large', provider: 'mistral' },
        { runId: 'e', clientId: 'c1', modelUsed: 'x/y', provider: 'x', status: 'error', httpStatus: 429, attempts: [] },
      ];
      rows.forEach((row, i) => store.append(requestRecord(now + i, row)));
      const list = async (query: Partial<RequestQuery>) => runIds((await store.list({ limit: 10, ...query })).rows);
      expect(await list({})).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await list({ model: 'groq/llama' })).toEqual(['b', 'a']);
      expect(await list({ provider: 'mistral' })).toEqual(['d', 'c']);
      expect(await list({ clientId: 'c1' })).toEqual(['e', 'c', 'a']);
      expect(await list({ status: 'error' })).toEqual(['e', 'b']);
      expect(await list({ status: 'aborted' })).toEqual(['c']);
      expect(await list({ status: 429 })).toEqual(['e']);
      expect(await list({ status: 200 })).toEqual(['d', 'c', 'a']);
      expect(await list({ clientId: 'c1', status: 'error' })).toEqual(['e']);
      expect(await list({ clientId: 'c2', provider: 'groq', model: 'groq/llama', status: 502 })).toEqual(['b']);
      expect(await list({ clientId: 'nobody' })).toEqual([]);
    });

    it('lists only the requests that arrived at or after since, alone, with other filters and across pages', async () => {
      const store = await open();
      const now = backend.now();
      // Appended in the order they ended: 'long' arrived first but ended after 'quick'.
      store.append(requestRecord(now - 9_000, { runId: 'old', clientId: 'c1' }));
      store.append(requestRecord(now - 3_000, { runId: 'quick', clientId: 'c1' }));
      store.append(requestRecord(now - 6_000, { runId: 'long', clientId: 'c2', latencyMs: 5_000 }));
      store.append(requestRecord(now - 2_000, { runId: 'at-since', clientId: 'c2' }));
      store.append(requestRecord(now - 1_000, { runId: 'new', clientId: 'c1', status: 'error', httpStatus: 500 }));
      const list = async (query: Partial<RequestQuery>) => runIds((await store.list({ limit: 10, ...query })).rows);
      expect(await list({ since: now - 5_000 })).toEqual(['new', 'at-since', 'quick']);
      expect(await list({ since: now - 2_000 })).toEqual(['new', 'at-since']);
      expect(await list({ since: now - 7_000, clientId: 'c2' })).toEqual(['at-since', 'long']);
      expect(await list({ since: now - 5_000, status: 'ok', clientId: 'c1' })).toEqual(['quick']);
      expect(await list({ since: now + 60_000 })).toEqual([]);
      expect(runIds((await allPages(store, { limit: 1, since: now - 7_000 })).flat())).toEqual([
        'new',
        'at-since',
        'long',
        'quick',
      ]);
    });

    it('finds every request since a time among thousands appended as they ended, long streams among them', async () => {
      const store = await open();
      const first = backend.now() - 180_000;
      // One request every 50 ms for 150 s; every 40th a 20 s stream (its row comes after those of 400 later ones),
      // every 97th from a client with few requests.
      const requests = Array.from({ length: 3_000 }, (_, i) =>
        requestRecord(first + i * 50, {
          runId: `r${i}`,
          latencyMs: i % 40 === 0 ? 20_000 : 30,
          ...(i % 97 === 0 ? { clientId: 'rare' } : {}),
        }),
      );
      const ended = [...requests].sort((a, b) => a.ts + a.latencyMs - (b.ts + b.latencyMs));
      for (const record of ended) store.append(record);
      await store.flush();
      const newestFirst = ended.reverse();
      for (const since of [first - 1, first + 1_000 * 50, first + 2_000 * 50 + 25, first + 2_990 * 50, first + 1e6]) {
        const expected = (clientId?: string) =>
          runIds(newestFirst.filter((r) => r.ts >= since && (clientId === undefined || r.clientId === clientId)));
        expect(runIds((await allPages(store, { limit: 500, since })).flat())).toEqual(expected());
        const rare = await allPages(store, { limit: 5, since, clientId: 'rare' });
        expect(runIds(rare.flat())).toEqual(expected('rare'));
      }
    });

    it('pages newest first with before: every row once, the last page without next', async () => {
      const store = await open();
      const base = backend.now() - 60_000;
      for (let i = 0; i < 25; i += 1)
        store.append(requestRecord(base + i, { runId: `r${i}`, clientId: i % 3 === 0 ? 'c1' : 'c2' }));
      const pages = await allPages(store, { limit: 7 });
      expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 4]);
      expect(runIds(pages.flat())).toEqual([...Array(25).keys()].reverse().map((i) => `r${i}`));
      const c1 = (await allPages(store, { limit: 3, clientId: 'c1' })).flat();
      expect(runIds(c1)).toEqual([24, 21, 18, 15, 12, 9, 6, 3, 0].map((i) => `r${i}`));
      const exact = await store.list({ limit: 25 });
      expect(exact.rows).toHaveLength(25);
      expect(exact.next).toBeUndefined();
      const last = exact.rows[exact.rows.length - 1]!;
      expect(await store.list({ limit: 5, before: last.id })).toEqual({ rows: [] });
    });

    it('rejects a before that is not one of its ids with a RangeError', async () => {
      const store = await open();
      store.append(requestRecord(backend.now() - 1_000));
      await expect(store.list({ limit: 5, before: 'not-an-id' })).rejects.toBeInstanceOf(RangeError);
      await expect(store.list({ limit: 5, before: "1' OR 1=1 --" })).rejects.toBeInstanceOf(RangeError);
    });

    it('drops the oldest rows past maxRows and keeps the newest', async () => {
      const store = await open({ retentionMs: DAY, maxRows: 5 });
      const base = backend.now() - 60_000;
      for (let i = 0; i < 300; i += 1) store.append(requestRecord(base + i, { runId: `r${i}` }));
      await store.flush();
      const kept = runIds((await allPages(store, { limit: 1_000 })).flat());
      expect(kept.length).toBeLessThan(300);
      expect(kept).not.toContain('r0');
      expect(kept.slice(0, 5)).toEqual(['r299', 'r298', 'r297', 'r296', 'r295']);
    });

    it('never lists a row whose request arrived before the retention', async () => {
      const store = await open({ retentionMs: 60_000, maxRows: 1_000 });
      const now = backend.now();
      store.append(requestRecord(now - 120_000, { runId: 'expired' }));
      store.append(requestRecord(now - 1_000, { runId: 'recent' }));
      store.append(requestRecord(now - 61_000, { runId: 'late-and-expired' }));
      await store.flush();
      expect(runIds((await store.list({ limit: 10 })).rows)).toEqual(['recent']);
    });

    it('stores a copy: changing the appended object afterwards changes nothing stored', async () => {
      const store = await open();
      const record = requestRecord(backend.now() - 1_000, { runId: 'copied' });
      store.append(record);
      record.attempts[0]!.ms = 999;
      record.promptTokens = 999;
      await store.flush();
      expect((await store.list({ limit: 1 })).rows.map(without)).toEqual([
        requestRecord(record.ts, { runId: 'copied' }),
      ]);
    });
  });
}
