// The store work of one request, in this process, on the memory stores and on SQLite (bench/store-cost.ts runs it):
// what a chat request served by a provider with rpm/rpd/tpm/tpd limits does to the stores (consume its windows,
// correct the token estimate, append a usage record, record the call's and the judge's stats, append its request log
// row), paced at a request rate so that the write batcher's ticks carry as many requests as a gateway at that rate
// would. CPU from process.cpuUsage().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { callRules, tokenWindows } from '../src/accounts/limits.js';
import { createStores, type Stores } from '../src/storage/index.js';
import { sqliteCounts } from './sqlite-tx-count.js';

export interface StoreOpsOptions {
  /** Requests per second the loop is paced at. */
  rate: number;
  /** Seconds per block at least (longer at low rates: a block has at least MIN_BLOCK_REQUESTS requests). */
  blockS: number;
  /** Blocks per store, taken in turns (memory, sqlite, sqlite, memory, ...). */
  blocks: number;
}

export interface StoreOpsResult {
  rate: number;
  /** Seconds per block at this rate. */
  blockS: number;
  /** CPU µs per request of each block, per store. */
  memoryUs: number[];
  sqliteUs: number[];
  /** Per pair of blocks: sqlite − memory. */
  diffUs: number[];
  txPerSec: number;
  requestsPerTx: number;
  /** Wall time inside transactions per request, µs. */
  txUsPerRequest: number;
  /** CPU time inside transactions per request, µs. */
  txCpuUsPerRequest: number;
}

/**
 * Limits far above what a bench run reaches, so that every request counts in its key's windows (rpm, rpd, tpm, tpd) as
 * with a catalog provider, and none is refused (the gateway runs of bench/store-cost.ts use them too).
 */
export const BENCH_LIMITS = { rpm: 100_000_000, rpd: 100_000_000, tpm: 100_000_000_000, tpd: 100_000_000_000 };
/** Requests per block at least: over fewer, one garbage collection or recompilation outweighs what is measured. */
const MIN_BLOCK_REQUESTS = 1_000;
const KEY = 'key_0123456789ab';
const MODEL = 'bench/bench-model';
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the stores see of one successful call (key-pool, key-lease, accounts' onCall, live stats, the judge). */
async function oneRequest(stores: Stores, i: number): Promise<void> {
  const now = Date.now();
  const taken = await stores.windows.consume(callRules(KEY, BENCH_LIMITS, 120), now);
  if (!taken.ok) throw new Error('a window refused: the limits are meant to be out of reach');
  await stores.windows.adjust(
    tokenWindows(KEY, BENCH_LIMITS).map((w) => ({ ...w, amount: -100 })),
    taken.at,
  );
  stores.usage.append({
    ts: now,
    provider: 'bench',
    model: MODEL,
    keyId: KEY,
    keyMasked: 'benc…-key',
    promptTokens: 12,
    completionTokens: 8,
    costUsd: 0,
    latencyMs: 2 + (i % 7) / 10,
    status: 'ok',
  });
  await stores.stats.record(MODEL, { at: now, ok: true, latencyMs: 2 + (i % 7) / 10 });
  await stores.stats.record(MODEL, { at: now, quality: 0.9 });
  stores.requests.append({
    ts: now - 3,
    runId: `run-${process.pid}-${i}`,
    route: 'chat',
    modelAsked: MODEL,
    modelUsed: MODEL,
    provider: 'bench',
    stream: false,
    status: 'ok',
    httpStatus: 200,
    attempts: [{ model: MODEL, provider: 'bench', ms: 2 }],
    latencyMs: 3,
    promptTokens: 12,
    completionTokens: 8,
    costUsd: 0,
    cacheHit: false,
  });
}

/** Runs requests at `rate` for `seconds`; returns the process CPU µs per request. */
async function block(stores: Stores, rate: number, seconds: number): Promise<{ us: number; requests: number }> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let done = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(elapsed * rate);
    for (; done < due; done++) await oneRequest(stores, done);
    // Until the next request is due (at least 1 ms: at high rates, a batch every millisecond).
    await sleep(Math.max(1, ((done + 1) / rate - (performance.now() - start) / 1000) * 1000));
  }
  // Past one tick (200 ms), idle: the block's last batch is written, and counted, inside the block.
  await sleep(250);
  const cpu = process.cpuUsage(cpu0);
  return { us: (cpu.user + cpu.system) / done, requests: done };
}

/** Both stores, block by block in turns, at one rate. */
export async function runStoreOps(options: StoreOpsOptions): Promise<StoreOpsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-ops-'));
  const memory = createStores({ store: 'memory', logger });
  const sqlite = createStores({ store: 'sqlite', dataDir: dir, logger });
  const blockS = Math.max(options.blockS, MIN_BLOCK_REQUESTS / options.rate);
  const result: StoreOpsResult = {
    rate: options.rate,
    blockS,
    memoryUs: [],
    sqliteUs: [],
    diffUs: [],
    txPerSec: 0,
    requestsPerTx: 0,
    txUsPerRequest: 0,
    txCpuUsPerRequest: 0,
  };
  let sqliteRequests = 0;
  let sqliteSeconds = 0;
  try {
    // A warm-up block each, not measured.
    await block(memory, options.rate, 1);
    await block(sqlite, options.rate, 1);
    const c0 = sqliteCounts();
    for (let i = 0; i < options.blocks; i++) {
      const order = i % 2 === 0 ? (['memory', 'sqlite'] as const) : (['sqlite', 'memory'] as const);
      const pair: Record<string, number> = {};
      for (const kind of order) {
        const measured = await block(kind === 'memory' ? memory : sqlite, options.rate, blockS);
        pair[kind] = measured.us;
        (kind === 'memory' ? result.memoryUs : result.sqliteUs).push(measured.us);
        if (kind === 'sqlite') {
          sqliteRequests += measured.requests;
          sqliteSeconds += blockS;
        }
      }
      result.diffUs.push(pair['sqlite']! - pair['memory']!);
    }
    const c1 = sqliteCounts();
    // Memory blocks write nothing: every transaction in between is the SQLite blocks'.
    const transactions = c1.transactions - c0.transactions;
    result.txPerSec = transactions / sqliteSeconds;
    result.requestsPerTx = transactions > 0 ? sqliteRequests / transactions : Number.NaN;
    result.txUsPerRequest = ((c1.ms - c0.ms) * 1000) / sqliteRequests;
    result.txCpuUsPerRequest = ((c1.cpuMs - c0.cpuMs) * 1000) / sqliteRequests;
  } finally {
    await Promise.all([memory.close(), sqlite.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
