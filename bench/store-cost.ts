// `node --import tsx bench/store-cost.ts`: what the SQLite store adds to a request's CPU against the memory store
// (issue 12: "at most ~15 µs"). First the store work of a request alone, in this process (store-ops.ts); then the built
// gateway on each store, two processes loaded in turns (store-gateways.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { canPin, machineInfo, pinProcess } from './proc.js';
import { machineSection } from './report.js';
import { storeCostSection, storeOpsSection } from './store-cost-report.js';
import { runGateways } from './store-gateways.js';
import { runStoreOps, type StoreOpsResult } from './store-ops.js';
import { startUpstream } from './targets.js';

const RESULTS = fileURLToPath(new URL('./results/store-cost.md', import.meta.url));
/** Seconds per block of the store work alone, at least. */
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
    .option('--rates <list>', 'store work: requests per second to pace it at', '100,1000,5000')
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
    sections.push('## The store work alone (bench/store-ops.ts)', '', storeOpsSection(results), '');
  }
  if (!cli.gateway) return sections;
  if (pinned) pinProcess(process.pid, '0');
  const upstream = await startUpstream(pinned ? { cores: '0' } : {});
  try {
    const arms = await runGateways({
      upstream,
      rounds: cli.rounds,
      seconds: cli.seconds,
      ...(pinned ? { cores: '1' } : {}),
      log: (line) => console.error(line),
    });
    sections.push('## The whole gateway (switchboard serve, built)', '', storeCostSection(arms), '');
  } finally {
    await upstream.stop();
  }
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
      `Rounds: ${cli.rounds}; gateway: ${cli.seconds} s at 50 connections, then ${cli.seconds / 2} s at 1, per store and round`,
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
