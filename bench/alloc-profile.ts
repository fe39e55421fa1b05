// What a built gateway allocates per request under load: V8's sampling heap profiler (bench/alloc-sampling.ts,
// preloaded) on the switchboard target while autocannon loads it, over the measured window only, objects collected
// by minor and major GCs included: the bytes allocated per request, by package, by owner, by function.
// node --import tsx bench/alloc-profile.ts [--model=auto | --floor] [--stream] [--connections=50] [--seconds=10]
//   [--warmup=5] [--interval=8192] [--base-cli=FILE] [--keep=DIR] [--top=40] [--under=FUNCTION] [--node-args=A,B]
// Owner of a sample: the innermost frame in this project's own code (dist/src, dist/graphs), as in cpu-profile.ts,
// so that what a library or node allocates on our behalf is charged to the line of ours that asked for it. The
// sampler records one allocation every `--interval` bytes on average and scales each sample up to the bytes it
// stands for, so a figure below a few bytes per request is noise; the total is exact to within a percent or two.
// V8 names a sample by the optimized frame's own function: what a function inlined into another allocates is charged
// to the one it was inlined into. `--node-args=--no-turbo-inlining` names every function (at the price of allocations
// that inlining would have removed: the totals are then a little higher).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AllocWindow } from './alloc-sampling.js';
import {
  arg,
  type CallFrame,
  frameName,
  isOwnFrame,
  loadChat,
  packageOf,
  profiledTarget,
  profileOptions,
} from './profile-frames.js';
import { startTarget, startUpstream } from './targets.js';

const options = {
  ...profileOptions('alloc', 10),
  /** Mean bytes between two samples (V8's default is 32768; smaller is finer and dearer). */
  interval: Number(arg('interval', '8192')),
};

const PRELOAD = fileURLToPath(new URL('./alloc-sampling.ts', import.meta.url));
const PROFILE_FILE = 'alloc.json';
const WINDOW_FILE = 'window.json';

interface SamplingNode {
  id: number;
  callFrame: CallFrame;
  /** Bytes allocated here (the samples scaled up to what they stand for). */
  selfSize: number;
  children: SamplingNode[];
}
interface SamplingProfile {
  head: SamplingNode;
}
interface Window {
  requests: number;
  seconds: number;
}

function bytes(n: number): string {
  return n >= 10_000 ? `${(n / 1024).toFixed(1)} KB` : `${n.toFixed(0)} B`;
}

function table(rows: Map<string, number>, requests: number, top: number): string {
  const total = [...rows.values()].reduce((s, b) => s + b, 0);
  return [...rows]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, b]) => `${bytes(b / requests).padStart(9)}  ${((100 * b) / total).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
}

function add(map: Map<string, number>, key: string, b: number): void {
  map.set(key, (map.get(key) ?? 0) + b);
}

function analyse(data: AllocWindow, window: Window): void {
  const packages = new Map<string, number>();
  const owners = new Map<string, number>();
  const selfFns = new Map<string, number>();
  const underFns = new Map<string, number>();
  let total = 0;
  let underTotal = 0;
  const walk = (node: SamplingNode, owner: SamplingNode | undefined, under: boolean): void => {
    const own = isOwnFrame(node.callFrame) ? node : owner;
    const isUnder = under || (options.under !== '' && node.callFrame.functionName === options.under);
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(packages, packageOf(node.callFrame), node.selfSize);
      add(selfFns, frameName(node.callFrame), node.selfSize);
      add(owners, own ? frameName(own.callFrame) : `[node] ${frameName(node.callFrame)}`, node.selfSize);
      if (isUnder) {
        underTotal += node.selfSize;
        add(underFns, frameName(node.callFrame), node.selfSize);
      }
    }
    for (const child of node.children) walk(child, own, isUnder);
  };
  walk((data.profile as SamplingProfile).head, undefined, false);

  const { requests } = window;
  console.log(
    `allocated ${(total / 2 ** 20).toFixed(0)} MB in ${window.seconds} s · ${bytes(total / requests)} per request (${requests} requests)`,
  );
  const gcLine = Object.entries(data.gc)
    .filter(([, g]) => g.count > 0)
    .map(([kind, g]) => `${kind} ${g.count} (${g.ms.toFixed(0)} ms, ${(g.ms / g.count).toFixed(1)} ms each)`)
    .join(' · ');
  const gcMs = Object.values(data.gc).reduce((s, g) => s + g.ms, 0);
  console.log(`GC in the window: ${gcLine || 'none'} · ${((1000 * gcMs) / requests).toFixed(1)} µs pause per request`);
  console.log(`\n## By package (bytes per request, % of all)\n${table(packages, requests, 20)}`);
  console.log(`\n## By owner: the innermost frame of our own code\n${table(owners, requests, options.top)}`);
  console.log(`\n## By function, self\n${table(selfFns, requests, options.top)}`);
  if (options.under) {
    console.log(`\n## Under ${options.under}: ${bytes(underTotal / requests)} per request, by self`);
    console.log(table(underFns, requests, options.top));
  }
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} not written: did the preload load?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  mkdirSync(options.keep, { recursive: true });
  const profileFile = join(options.keep, PROFILE_FILE);
  const windowFile = join(options.keep, WINDOW_FILE);
  if (!existsSync(profileFile)) {
    process.env['BENCH_ALLOC_PROFILE_FILE'] = profileFile;
    process.env['BENCH_ALLOC_SAMPLING_INTERVAL'] = String(options.interval);
    const upstream = await startUpstream();
    const { name, baseCli } = profiledTarget(options);
    const target = await startTarget(name, upstream, {
      nodeArgs: [...options.nodeArgs, '--import', 'tsx', '--import', PRELOAD],
      ...(baseCli === undefined ? {} : { baseCli }),
    });
    try {
      await loadChat(target, options, options.warmup);
      process.kill(target.pid, 'SIGUSR2');
      const requests = await loadChat(target, options, options.seconds);
      // The write-behind batch of the window's last requests runs on the next tick (200 ms): inside the window.
      await new Promise((r) => setTimeout(r, 300));
      process.kill(target.pid, 'SIGUSR2');
      await waitForFile(profileFile, 30_000);
      writeFileSync(windowFile, JSON.stringify({ requests, seconds: options.seconds } satisfies Window));
    } finally {
      await target.stop();
      await upstream.stop();
    }
    console.log(`profile kept in ${options.keep} (run again with --keep=DIR to analyse only)`);
  }
  analyse(
    JSON.parse(readFileSync(profileFile, 'utf8')) as AllocWindow,
    JSON.parse(readFileSync(windowFile, 'utf8')) as Window,
  );
}

await main();
