// `node --import tsx bench/store-cost.ts`: what the SQLite store adds to a request's CPU against the memory store
// (issue 12: "at most ~15 µs"). First the store work of a request alone, in this process (store-ops.ts); then the built
// gateway, started alternately on each store, back to back, the order swapped every round so that the machine's noise
// hits both alike, with the SQLite batcher's transactions counted (sqlite-tx-count.ts, preloaded in both).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { preflight, runPhase, type PhaseResult } from './load.js';
import { canPin, machineInfo, pinProcess } from './proc.js';
import { machineSection } from './report.js';
import type { SqliteCounts } from './sqlite-tx-count.js';
import { storeCostSection, storeOpsSection, type ArmResult, type Store } from './store-cost-report.js';
import { BENCH_LIMITS, runStoreOps, type StoreOpsResult } from './store-ops.js';
import { startTarget, startUpstream, type Upstream } from './targets.js';

const PRELOAD = fileURLToPath(new URL('./sqlite-tx-count.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/store-cost.md', import.meta.url));
/** Seconds per block of the store work alone. */
const OPS_BLOCK_S = 2;

interface Options {
  rounds: string;
  seconds: string;
  rates: string;
  ops: boolean;
  gateway: boolean;
  pin: boolean;
  out: string;
}

function parseCli() {
  const opts = new Command()
    .name('store-cost')
    .description('CPU per request on the memory store and on SQLite: the store work alone, then the whole gateway')
    .option('--rounds <n>', 'gateway starts per store, and store-work blocks per store and rate', '6')
    .option('--seconds <s>', 'gateway: the 50-connection phase (the 1-connection phase is half)', '8')
    .option('--rates <list>', 'store work: requests per second to pace it at', '1000,5000')
    .option('--no-ops', 'skip the store work alone')
    .option('--no-gateway', 'skip the whole gateway')
    .option('--no-pin', 'do not pin processes to cores with taskset')
    .option('--out <file>', 'markdown report path', RESULTS)
    .parse(process.argv)
    .opts<Options>();
  return {
    ...opts,
    rounds: Number(opts.rounds),
    seconds: Number(opts.seconds),
    rates: opts.rates.split(',').map(Number),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readCounts(file: string): SqliteCounts {
  return JSON.parse(readFileSync(file, 'utf8')) as SqliteCounts;
}

/** What the batcher did between two readings, per second of `phase` and per request. */
function batching(before: SqliteCounts, after: SqliteCounts, phase: PhaseResult) {
  const transactions = after.transactions - before.transactions;
  const requests = phase.ok + phase.errors;
  return {
    txPerSec: transactions / phase.durationS,
    requestsPerTx: transactions > 0 ? requests / transactions : Number.NaN,
    statementsPerTx: transactions > 0 ? (after.statements - before.statements) / transactions : Number.NaN,
    txUsPerRequest: requests > 0 ? ((after.ms - before.ms) * 1000) / requests : Number.NaN,
  };
}

/** One start of the gateway on `store`: warm-up, 50 connections, 1 connection; then stopped. */
async function runArm(
  store: Store,
  round: number,
  upstream: Upstream,
  seconds: number,
  cores: string | undefined,
): Promise<ArmResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-cost-'));
  const countFile = join(dir, 'counts.json');
  try {
    const target = await startTarget('switchboard', upstream, {
      ...(cores === undefined ? {} : { cores }),
      env: { SWITCHBOARD_STORE: store, BENCH_SQLITE_COUNT_FILE: countFile },
      nodeArgs: ['--import', 'tsx', '--import', PRELOAD],
      provider: { limits: BENCH_LIMITS },
    });
    try {
      const problems = await preflight(target, 20);
      if (problems.length > 0) throw new Error(`preflight: ${problems.join('; ')}`);
      await runPhase(target, 50, Math.max(2, seconds / 3));
      await sleep(300);
      const c0 = readCounts(countFile);
      const at50 = await runPhase(target, 50, seconds);
      await sleep(300); // the last tick's flush, and the counts file written after it
      const c1 = readCounts(countFile);
      const at1 = await runPhase(target, 1, seconds / 2);
      await sleep(300);
      const c2 = readCounts(countFile);
      return { store, round, at50, at1, batch50: batching(c0, c1, at50), batch1: batching(c1, c2, at1) };
    } finally {
      await target.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each store-work rate, then each gateway round, in the order the options ask. */
async function measure(cli: ReturnType<typeof parseCli>, pinned: boolean): Promise<string[]> {
  const sections: string[] = [];
  if (cli.ops) {
    // In this process, on the core the gateway gets later (nothing else of ours runs there).
    if (pinned) pinProcess(process.pid, '1');
    const results: StoreOpsResult[] = [];
    for (const rate of cli.rates) {
      const result = await runStoreOps({ rate, blockS: OPS_BLOCK_S, blocks: cli.rounds });
      console.error(`store work at ${rate}/s: SQLite − memory ${result.diffUs.map((d) => d.toFixed(1)).join(', ')} µs`);
      results.push(result);
    }
    sections.push('## The store work alone (bench/store-ops.ts)', '', storeOpsSection(results, OPS_BLOCK_S), '');
  }
  if (!cli.gateway) return sections;
  if (pinned) pinProcess(process.pid, '0');
  const upstream = await startUpstream(pinned ? { cores: '0' } : {});
  const arms: ArmResult[] = [];
  try {
    for (let round = 1; round <= cli.rounds; round++) {
      const order: Store[] = round % 2 === 1 ? ['memory', 'sqlite'] : ['sqlite', 'memory'];
      for (const store of order) {
        const arm = await runArm(store, round, upstream, cli.seconds, pinned ? '1' : undefined);
        arms.push(arm);
        console.error(
          `round ${round} ${store}: ${arm.at50.cpuUsPerReq.toFixed(0)} µs/req @50 (${arm.at50.okPerSec.toFixed(0)} req/s), ` +
            `${arm.at1.cpuUsPerReq.toFixed(0)} µs/req @1, ${arm.batch50.txPerSec.toFixed(1)} tx/s @50`,
        );
      }
    }
  } finally {
    await upstream.stop();
  }
  sections.push('## The whole gateway (switchboard serve, built)', '', storeCostSection(arms), '');
  return sections;
}

async function main(): Promise<void> {
  const cli = parseCli();
  const pinned = cli.pin && canPin();
  const machine = machineInfo();
  const loadBefore = loadavg()[0] ?? 0;
  const sections = await measure(cli, pinned);
  const markdown = [
    '# What the SQLite store adds per request (issue 12)',
    '',
    machineSection(machine, [
      pinned ? 'Pinning: store work and gateway on core 1; harness and upstream on core 0' : 'Pinning: none',
      `Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? 0).toFixed(2)}`,
      `Rounds: ${cli.rounds}; gateway: ${cli.seconds} s at 50 connections and ${cli.seconds / 2} s at 1 per start`,
    ]),
    '',
    ...sections,
  ].join('\n');
  console.log(`\n${markdown}`);
  mkdirSync(dirname(cli.out), { recursive: true });
  writeFileSync(cli.out, markdown);
  console.error(`written to ${cli.out}`);
}

// Ctrl-C: exit through process 'exit' so the children (upstream, targets) are killed.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
