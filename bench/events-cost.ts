// What the event stream costs a chat request that nobody follows: CPU per run of the request graph (graphs/chat, an
// instant in-process adapter, as in chat-graph.ts) with events off entirely, unrecorded (the default), and recorded on
// the memory or the Redis event log with no subscriber. One child process per case (events-cost-child.ts), so each
// case pays for its own garbage; the cases take turns block by block, so other work on the machine hits them alike.
import { fileURLToPath } from 'node:url';
import { createEventBus, createRunEmitter, type RunEmitter } from '../src/events/publisher.js';
import { COST_CASES, offEmitter, type CostCase, type CostCommand, type CostReply } from './events-cost-cases.js';
import { expect, spawnIpc, type IpcChild } from './events-ipc.js';
import { processCpuMicros } from './proc.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./events-cost-child.ts', import.meta.url));

export interface CostRow {
  case: CostCase;
  /** CPU µs per run: the CPU of the case's process during its timed blocks (GC during them included), over its runs. */
  cpuUsPerRun: number;
  /** Against `off`: the difference of the means, and the median of the per-cycle differences (the quiet estimate). */
  addedUs: number;
  addedMedianUs: number;
  /** Quartiles of the per-cycle differences: how noisy the machine was. */
  addedP25Us: number;
  addedP75Us: number;
  /** Events stored per run (read back from the log), 0 when nothing is recorded. */
  eventsPerRun: number;
  /** redis-server's own CPU µs per run (from /proc: 10 ms ticks, summed over every block). */
  serverCpuUsPerRun?: number;
}

export interface CostResult {
  /** Runs per case, in blocks of `block`, the cases taking turns block by block. */
  runs: number;
  block: number;
  warmup: number;
  rows: CostRow[];
  /** Why Redis was left out, when it was. */
  redisSkipped?: string;
  redisVersion?: string;
  /** Lines the event logs wrote at warn or above (append failures): should be none. */
  logProblems: number;
  /** The emit path alone, µs per run of 11 emits (emitter created, 11 emits with data callbacks), without the graph. */
  emitPath: { offUs: number; unrecordedUs: number; runs: number };
}

export interface CostOptions {
  /** taskset core list for the children (redis-server goes elsewhere); undefined: unpinned. */
  cores?: string;
  /** Runs per case (rounded up to whole blocks). */
  runs: number;
  /** Runs per block; each block of each case is timed on its own. */
  block: number;
  warmup: number;
  /** A redis-server to record on, or the reason there is none. */
  redis: { url: string; pid: number; version: string } | { skipped: string };
}

/**
 * The emit path alone, which the graph-level figures cannot resolve: per run, an emitter created and 11 emits with data
 * callbacks (what a chat run does when unrecorded), against the emitter that does nothing. Best of 5 alternating
 * rounds.
 */
export function measureEmitPath(runs: number): CostResult['emitPath'] {
  const quiet = createEventBus();
  const cases: [string, (runId: string) => RunEmitter][] = [
    ['off', offEmitter],
    ['unrecorded', (runId) => createRunEmitter(quiet, runId)],
  ];
  const best = new Map<string, number>();
  let sink = 0;
  for (let round = 0; round < 6; round += 1) {
    for (const [name, make] of cases) {
      const start = process.cpuUsage();
      for (let i = 0; i < runs; i += 1) {
        const emitter = make('run');
        emitter.emit('run_started', undefined, () => ({ kind: 'chat', model: 'auto', stream: false }));
        for (let k = 0; k < 9; k += 1) emitter.emit('node_finished', 'call', () => ({ duration_ms: k }));
        emitter.emit('run_finished', undefined, () => ({ model: 'p/m', attempts: 1 }));
        if (emitter.active) sink += 1;
      }
      const used = process.cpuUsage(start);
      // Round 0 is the warm-up.
      if (round > 0) best.set(name, Math.min(best.get(name) ?? Infinity, (used.user + used.system) / runs));
    }
  }
  if (sink !== 0) throw new Error('an unrecorded emitter reported a listener');
  return { offUs: best.get('off')!, unrecordedUs: best.get('unrecorded')!, runs };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
};

/**
 * Runs between two waits for the log to answer every append (2,200 appends at most in flight; Redis drops past 20,000).
 */
const SETTLE_EVERY = 200;
/** Redis keeps at most about this many runs between flushes (the memory log's default cap is 10,000). */
const REDIS_RUNS_BETWEEN_FLUSHES = 10_000;

/**
 * Runs `runs` graph runs per case after `warmup` each, one child process per case. The cases take turns in blocks of
 * `block` runs (the order rotating every cycle); each block ends when its appends are answered (Redis), so appends
 * never pile up faster than Redis takes them.
 */
export async function runEmitCost(options: CostOptions, log: (line: string) => void = () => {}): Promise<CostResult> {
  const redis = 'url' in options.redis ? options.redis : undefined;
  const cases = COST_CASES.filter((c) => c !== 'redis' || redis !== undefined);
  const children = new Map<CostCase, IpcChild<CostCommand, CostReply>>();
  try {
    for (const key of cases) {
      children.set(
        key,
        await spawnIpc<CostCommand, CostReply>(
          `events cost (${key})`,
          CHILD_SCRIPT,
          options.cores,
          redis && key === 'redis' ? [key, redis.url] : [key],
        ),
      );
    }
    const block = Math.max(1, Math.floor(options.block));
    const cycles = Math.max(1, Math.ceil(options.runs / block));
    const runs = cycles * block;
    const blockTimeout = 60_000 + block * 50;
    for (const key of cases)
      expect(
        await children.get(key)!.call({ type: 'warmup', runs: options.warmup, settleEvery: SETTLE_EVERY }, 600_000),
        'done',
      );
    const perBlock = new Map<CostCase, number[]>(cases.map((k) => [k, []]));
    let serverCpu = 0;
    const flushEvery = Math.max(1, Math.floor(REDIS_RUNS_BETWEEN_FLUSHES / block));
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      if (cycle > 0 && cycle % flushEvery === 0 && children.has('redis'))
        expect(await children.get('redis')!.call({ type: 'reset' }, 60_000), 'done');
      for (let k = 0; k < cases.length; k += 1) {
        const key = cases[(cycle + k) % cases.length]!;
        const server0 = key === 'redis' && redis ? processCpuMicros(redis.pid) : 0;
        const reply = expect(
          await children
            .get(key)!
            .call({ type: 'block', runs: block, prefix: `run-${cycle}-`, settleEvery: SETTLE_EVERY }, blockTimeout),
          'block',
        );
        if (key === 'redis' && redis) serverCpu += processCpuMicros(redis.pid) - server0;
        perBlock.get(key)!.push(reply.cpuUs / block);
      }
      if ((cycle + 1) % Math.max(1, Math.floor(cycles / 4)) === 0 || cycle === cycles - 1) {
        const done = (cycle + 1) * block;
        log(
          `  ${cycle + 1}/${cycles} cycles: ${cases.map((k) => `${k} ${((perBlock.get(k)!.reduce((a, b) => a + b, 0) * block) / done).toFixed(1)} µs`).join(', ')}`,
        );
      }
    }
    let logProblems = 0;
    const stored = new Map<CostCase, number>();
    for (const key of cases) {
      const finished = expect(await children.get(key)!.call({ type: 'finish' }, 30_000), 'finished');
      stored.set(key, finished.eventsPerRun);
      logProblems += finished.logProblems;
      children.delete(key);
    }
    const meanOf = (key: CostCase): number => perBlock.get(key)!.reduce((a, b) => a + b, 0) / cycles;
    const off = perBlock.get('off')!;
    const rows: CostRow[] = cases.map((key) => {
      const diffs = perBlock.get(key)!.map((v, i) => v - off[i]!);
      const row: CostRow = {
        case: key,
        cpuUsPerRun: meanOf(key),
        addedUs: meanOf(key) - meanOf('off'),
        addedMedianUs: quantile(diffs, 0.5),
        addedP25Us: quantile(diffs, 0.25),
        addedP75Us: quantile(diffs, 0.75),
        eventsPerRun: stored.get(key)!,
      };
      if (key === 'redis') row.serverCpuUsPerRun = serverCpu / runs;
      return row;
    });
    const result: CostResult = {
      runs,
      block,
      warmup: options.warmup,
      rows,
      logProblems,
      emitPath: measureEmitPath(500_000),
    };
    if ('skipped' in options.redis) result.redisSkipped = options.redis.skipped;
    else result.redisVersion = options.redis.version;
    return result;
  } finally {
    for (const child of children.values()) child.kill();
  }
}
