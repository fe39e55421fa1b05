// `npm run bench`: the graph-engine micro-benchmark, live events (issue 6), then the load comparison of
// direct / switchboard / portkey; prints markdown tables and writes them to bench/results/latest.md (and latest.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { chatGraphSection, runChatGraphBench } from './chat-graph.js';
import { FULL_EVENTS, QUICK_EVENTS, eventsSection, runEventsBench, type EventsBenchResult } from './events.js';
import { runGraphBench, type GraphBenchResult } from './graph-engines.js';
import { FULL_LOAD, QUICK_LOAD, preflight, runTargetLoad, type LoadOptions } from './load.js';
import { canPin, machineInfo, pinProcess } from './proc.js';
import {
  floorSection,
  graphSection,
  latencySection,
  machineSection,
  notesSection,
  streamSection,
  throughputSection,
  type TargetOutcome,
} from './report.js';
import { SkipTargetError, TARGET_NAMES, startTarget, startUpstream, type TargetName } from './targets.js';

interface CliOptions {
  quick: boolean;
  only?: string;
  graphs: boolean;
  events: boolean;
  load: boolean;
  pin: boolean;
  chunkDelayMs: string;
  rounds: string;
  baseCli?: string;
  out: string;
  capacity: boolean;
}

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function parseCli(): CliOptions & { targets: TargetName[] } {
  const program = new Command()
    .name('bench')
    .description('Switchboard benchmarks: graph engines, then gateway load against a fake upstream on 127.0.0.1')
    .option('--quick', 'short runs (about 10 s per target)', process.env.BENCH_QUICK === '1')
    .option('--only <targets>', `comma-separated targets among ${TARGET_NAMES.join(', ')}`, process.env.BENCH_ONLY)
    .option('--no-graphs', 'skip the graph-engine micro-benchmark')
    .option('--no-events', 'skip the live-events benchmark (delivery latency over /v1/ws, cost per unwatched run)')
    .option('--no-load', 'skip the load comparison')
    .option('--no-pin', 'do not pin processes to cores with taskset')
    .option(
      '--chunk-delay-ms <ms>',
      'delay between the upstream stream chunks',
      process.env.BENCH_CHUNK_DELAY_MS ?? '0',
    )
    .option('--rounds <n>', 'run the target list this many times, interleaved (A, B, A, B)', '1')
    .option(
      '--base-cli <file>',
      "another build's dist/src/cli/index.js, served as the switchboard-base targets (an A/B in one run)",
      process.env.BENCH_BASE_CLI,
    )
    .option('--out <file>', 'markdown report path', `${RESULTS_DIR}latest.md`)
    .option(
      '--capacity',
      'then bench/capacity.ts: 1,000 slow streams, and two workers against one at once, each held to 0.4 of a core (root, Redis)',
      false,
    );
  program.parse(process.argv);
  const opts = program.opts<CliOptions>();
  try {
    return { ...opts, targets: selectTargets(opts.only, opts.baseCli !== undefined) };
  } catch (err) {
    return program.error((err as Error).message);
  }
}

function selectTargets(only: string | undefined, base: boolean): TargetName[] {
  if (!only) return TARGET_NAMES.filter((n) => base || !n.startsWith('switchboard-base'));
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(TARGET_NAMES as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown target(s) ${unknown.join(', ')}; choose among ${TARGET_NAMES.join(', ')}`);
  // Keep the canonical order so the floor and direct, the baselines, run first.
  return TARGET_NAMES.filter((n) => names.includes(n));
}

async function runLoadComparison(
  targets: TargetName[],
  opts: LoadOptions,
  cores: { harness?: string; target?: string },
  run: { chunkDelayMs: number; rounds: number; baseCli?: string | undefined },
): Promise<TargetOutcome[]> {
  const { chunkDelayMs } = run;
  const upstream = await startUpstream({ cores: cores.harness, chunkDelayMs });
  console.error(`upstream ${upstream.origin} (pid ${upstream.pid})`);
  const outcomes: TargetOutcome[] = [];
  try {
    for (let round = 1; round <= run.rounds; round++) for (const target of targets) await loadOne(target, round);
  } finally {
    await upstream.stop();
  }
  return outcomes;

  async function loadOne(name: TargetName, round: number): Promise<void> {
    console.error(`\n${name}${run.rounds > 1 ? ` (round ${round})` : ''}:`);
    let target: Awaited<ReturnType<typeof startTarget>>;
    try {
      const baseCli = run.baseCli === undefined ? {} : { baseCli: run.baseCli };
      target = await startTarget(name, upstream, { cores: cores.target, chunkDelayMs, ...baseCli });
    } catch (err) {
      const skipped = err instanceof SkipTargetError;
      const msg = (err as Error).message;
      console.error(`  ${skipped ? 'SKIPPED' : 'FAILED TO START'}: ${msg}`);
      outcomes.push({ name, round, status: skipped ? 'skipped' : 'failed', notes: [msg.split('\n')[0] ?? msg] });
      return;
    }
    try {
      console.error(`  ${target.origin} (pid ${target.pid})`);
      const notes = await preflight(target, opts.streamChunks);
      for (const n of notes) console.error(`  PREFLIGHT: ${n}`);
      const load = await runTargetLoad(target, opts, (l) => console.error(l));
      outcomes.push({ name, round, status: 'ok', notes, load });
    } catch (err) {
      console.error(`  FAILED: ${(err as Error).message}\n${target.logTail()}`);
      outcomes.push({ name, round, status: 'failed', notes: [(err as Error).message] });
    } finally {
      await target.stop();
    }
  }
}

async function main(): Promise<void> {
  const cli = parseCli();
  const targets = cli.targets;
  const loadOpts = cli.quick ? QUICK_LOAD : FULL_LOAD;
  const chunkDelayMs = Number(cli.chunkDelayMs) || 0;
  const pinned = cli.pin && canPin();
  // Harness (load generator) and upstream share core 0; the target under test gets core 1 to itself.
  const cores = pinned ? { harness: '0', target: '1' } : {};
  if (pinned) pinProcess(process.pid, '0');

  const machine = machineInfo();
  const loadBefore = loadavg()[0] ?? 0;
  const sections: string[] = [];
  let graphs: GraphBenchResult | undefined;
  if (cli.graphs) {
    console.error('graph engines:');
    graphs = await runGraphBench(cli.quick ? { runs: 300, warmup: 100 } : { runs: 2_000, warmup: 500 }, (l) =>
      console.error(l),
    );
    sections.push('## Graph engines (CPU per invocation)', '', graphSection(graphs), '');
    const runs = cli.quick ? 2_000 : 20_000;
    sections.push('## The request graph', '', chatGraphSection(await runChatGraphBench(runs, runs / 4)), '');
  }

  let events: EventsBenchResult | undefined;
  if (cli.events) {
    // The gateway (and redis-server) on the target's core, the WebSocket clients with the harness on core 0.
    const eventsOpts = {
      ...(cli.quick ? QUICK_EVENTS : FULL_EVENTS),
      ...(pinned ? { cores: { gateway: '1', clients: '0' } } : {}),
    };
    events = await runEventsBench(eventsOpts, (l) => console.error(l));
    sections.push('## Live events (issue 6)', '', eventsSection(events), '');
  }

  let outcomes: TargetOutcome[] = [];
  if (cli.load) {
    const rounds = Math.max(1, Number(cli.rounds) || 1);
    outcomes = await runLoadComparison(targets, loadOpts, cores, { chunkDelayMs, rounds, baseCli: cli.baseCli });
    sections.push(
      '## Against the floor (issue 20)',
      '',
      floorSection(outcomes),
      '',
      '## Throughput',
      '',
      throughputSection(outcomes, loadOpts),
      '',
      '## Latency',
      '',
      latencySection(outcomes, loadOpts),
      '',
      '## Streams',
      '',
      streamSection(outcomes, loadOpts, chunkDelayMs),
      '',
    );
    const notes = notesSection(outcomes);
    if (notes) sections.push('## Notes', '', notes, '');
  }

  const header = [
    `# Switchboard benchmarks${cli.quick ? ' (quick)' : ''}`,
    '',
    machineSection(machine, [
      pinned
        ? 'Pinning: harness (autocannon, undici) and the fake upstream on core 0; the target under test on core 1 (taskset)'
        : 'Pinning: none (every process may run on every core)',
      `Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? 0).toFixed(2)} ` +
        '(other work on the machine inflates every figure; compare ratios within one run)',
      `Targets: ${targets.join(', ')}`,
    ]),
    '',
  ];
  const markdown = [...header, ...sections].join('\n');
  console.log(`\n${markdown}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(cli.out, markdown);
  writeFileSync(
    `${cli.out.replace(/\.md$/, '')}.json`,
    JSON.stringify({ machine, graphs, events, outcomes, loadOpts }, null, 2),
  );
  console.error(`\nwritten to ${cli.out}`);
  if (cli.capacity) runCapacity(pinned);
}

/**
 * The capacity targets of issue 20 (bench/capacity.ts prints their ratios): its own process, on every core (this one's
 * pinning would pass on to it), for minutes.
 */
function runCapacity(pinned: boolean): void {
  if (pinned) pinProcess(process.pid, `0-${availableParallelism() - 1}`);
  const script = fileURLToPath(new URL('./capacity.ts', import.meta.url));
  const workers = ['--worker-cpu=0.4', '--warmup=10', '--seconds=10', '--rounds=4'];
  const args = ['--import', 'tsx', script, '--only=streams,workers', ...workers];
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (status !== 0) throw new Error(`bench/capacity.ts exited ${status}`);
}

// Ctrl-C: exit through process 'exit' so the children (upstream, targets) are killed.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
