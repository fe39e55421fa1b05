// The whole-gateway half of bench/store-cost.ts: two built gateways side by side, one on the memory store and one on
// SQLite, both on the target core, loaded in turns (never both at once) phase by phase, the order swapped every round,
// so that both see the same noise of a shared machine. An idle gateway costs next to nothing, so the one waiting does
// not disturb the one measured. The SQLite batcher's transactions are counted by sqlite-tx-count.ts, preloaded in both.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight, runPhase, type PhaseResult } from './load.js';
import type { SqliteCounts } from './sqlite-tx-count.js';
import type { ArmResult, Batching, Store } from './store-cost-report.js';
import { BENCH_LIMITS } from './store-ops.js';
import { startTarget, type Target, type Upstream } from './targets.js';

const PRELOAD = fileURLToPath(new URL('./sqlite-tx-count.ts', import.meta.url));
const STORES: readonly Store[] = ['memory', 'sqlite'];

export interface GatewayRunOptions {
  upstream: Upstream;
  rounds: number;
  /** The 50-connection phase; the 1-connection phase is half as long. */
  seconds: number;
  /** `taskset -c` list of both gateways, or undefined. */
  cores?: string;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readCounts(file: string): SqliteCounts {
  return JSON.parse(readFileSync(file, 'utf8')) as SqliteCounts;
}

/** What the batcher did between two readings, per second of `phase` and per request. */
function batching(before: SqliteCounts, after: SqliteCounts, phase: PhaseResult): Batching {
  const transactions = after.transactions - before.transactions;
  const requests = phase.ok + phase.errors;
  const per = (total: number, count: number) => (count > 0 ? total / count : Number.NaN);
  return {
    txPerSec: transactions / phase.durationS,
    requestsPerTx: per(requests, transactions),
    statementsPerTx: per(after.statements - before.statements, transactions),
    txUsPerRequest: per((after.ms - before.ms) * 1000, requests),
    txCpuUsPerRequest: per((after.cpuMs - before.cpuMs) * 1000, requests),
  };
}

/** One phase on `target`, with the counts read before and after it (once the last tick has been written). */
async function countedPhase(target: Target, countFile: string, connections: number, seconds: number) {
  const before = readCounts(countFile);
  const phase = await runPhase(target, connections, seconds);
  await sleep(400); // the last tick's flush, and the counts file written after it
  return { phase, batch: batching(before, readCounts(countFile), phase) };
}

/** Starts both gateways, warms them up, then measures them in turns: one ArmResult per store and round. */
export async function runGateways(options: GatewayRunOptions): Promise<ArmResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-cost-'));
  const gateways = new Map<Store, { target: Target; countFile: string }>();
  try {
    for (const store of STORES) {
      const countFile = join(dir, `${store}.json`);
      const target = await startTarget('switchboard', options.upstream, {
        ...(options.cores === undefined ? {} : { cores: options.cores }),
        env: { SWITCHBOARD_STORE: store, BENCH_SQLITE_COUNT_FILE: countFile },
        nodeArgs: ['--import', 'tsx', '--import', PRELOAD],
        provider: { limits: BENCH_LIMITS },
      });
      gateways.set(store, { target, countFile });
      const problems = await preflight(target, 20);
      if (problems.length > 0) throw new Error(`${store} preflight: ${problems.join('; ')}`);
      await runPhase(target, 50, Math.max(2, options.seconds / 2));
    }
    const arms: ArmResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 === 1 ? STORES : [...STORES].reverse();
      for (const store of order) {
        const { target, countFile } = gateways.get(store)!;
        const at50 = await countedPhase(target, countFile, 50, options.seconds);
        const at1 = await countedPhase(target, countFile, 1, options.seconds / 2);
        arms.push({ store, round, at50: at50.phase, at1: at1.phase, batch50: at50.batch, batch1: at1.batch });
        options.log(
          `round ${round} ${store}: ${at50.phase.cpuUsPerReq.toFixed(0)} µs/req @50 ` +
            `(${at50.phase.okPerSec.toFixed(0)} req/s), ${at1.phase.cpuUsPerReq.toFixed(0)} µs/req @1, ` +
            `${at50.batch.txPerSec.toFixed(1)} tx/s @50`,
        );
      }
    }
    return arms;
  } finally {
    for (const { target } of gateways.values()) await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
