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
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { AllocWindow } from './alloc-sampling.js';
import { startTarget, startUpstream, type Target } from './targets.js';

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const options = {
  model: arg('model', ''),
  /** Profiles the floor (bench/floor.ts) instead, for comparison. */
  floor: process.argv.includes('--floor'),
  stream: process.argv.includes('--stream'),
  connections: Number(arg('connections', '50')),
  seconds: Number(arg('seconds', '10')),
  warmup: Number(arg('warmup', '5')),
  /** Mean bytes between two samples (V8's default is 32768; smaller is finer and dearer). */
  interval: Number(arg('interval', '8192')),
  /** Another build's `dist/src/cli/index.js` to profile instead of this checkout's (a before/after). */
  baseCli: arg('base-cli', ''),
  keep: resolve(arg('keep', `bench/results/alloc-profile-${Date.now()}`)),
  top: Number(arg('top', '40')),
  under: arg('under', ''),
  /** More node options for the profiled process, comma-separated. */
  nodeArgs: arg('node-args', '').split(',').filter(Boolean),
};

const PRELOAD = fileURLToPath(new URL('./alloc-sampling.ts', import.meta.url));
const PROFILE_FILE = 'alloc.json';
const WINDOW_FILE = 'window.json';

interface SamplingNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

const OWN = /\/dist\/(src|graphs)\/|\/bench\/floor\.ts/;

function frameName(node: SamplingNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function packageOf(node: SamplingNode): string {
  const { functionName, url } = node.callFrame;
  const m = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m?.[1]) return m[1];
  if (OWN.test(url)) return 'switchboard';
  if (url === '' && functionName.startsWith('(')) return functionName;
  if (url.startsWith('node:') || url === '') return 'node';
  return 'other';
}

async function load(target: Target, seconds: number): Promise<number> {
  const res = await autocannon({
    url: `${target.origin}${target.chatPath}`,
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
      max_tokens: 32,
      ...(options.stream ? { stream: true } : {}),
    }),
    connections: options.connections,
    duration: seconds,
  });
  if (res.non2xx > 0 || res.errors > 0) throw new Error(`${res.non2xx} non-2xx, ${res.errors} errors`);
  return res.requests.total;
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
    const own = OWN.test(node.callFrame.url) ? node : owner;
    const isUnder = under || (options.under !== '' && node.callFrame.functionName === options.under);
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(packages, packageOf(node), node.selfSize);
      add(selfFns, frameName(node), node.selfSize);
      add(owners, own ? frameName(own) : `[node] ${frameName(node)}`, node.selfSize);
      if (isUnder) {
        underTotal += node.selfSize;
        add(underFns, frameName(node), node.selfSize);
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
    const gateway = options.baseCli === '' ? 'switchboard' : 'switchboard-base';
    const name = options.floor ? 'floor' : options.model === 'auto' ? (`${gateway}-auto` as const) : gateway;
    const target = await startTarget(name, upstream, {
      nodeArgs: [...options.nodeArgs, '--import', 'tsx', '--import', PRELOAD],
      ...(options.baseCli === '' ? {} : { baseCli: resolve(options.baseCli) }),
    });
    try {
      await load(target, options.warmup);
      process.kill(target.pid, 'SIGUSR2');
      const requests = await load(target, options.seconds);
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
