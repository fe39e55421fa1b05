// Where a built gateway's CPU goes under load: V8's sampling profiler (`node --cpu-prof`) on the switchboard target
// while autocannon loads it, then the samples charged to their owners.
// node --import tsx bench/cpu-profile.ts [--model=auto | --floor] [--stream] [--connections=50] [--seconds=15] [--warmup=5]
//   [--keep=DIR] [--top=40] [--under=FUNCTION] [--node-args=A,B]
// Owner of a sample: the innermost frame in this project's own code (dist/src, dist/graphs), so that time spent in a
// library or in node on our behalf is charged to the line of ours that asked for it. Node's own work with no frame of
// ours below it (the socket, timers, the HTTP parser) is shown by its own innermost frame. `--under=F` lists what F
// calls, by self time of every sample with F on its stack.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { startTarget, startUpstream, type Target } from './targets.js';

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const options = {
  model: arg('model', ''),
  /** Profiles the floor (bench/floor.ts) instead, for comparison. */
  floor: process.argv.includes('--floor'),
  stream: process.argv.includes('--stream'),
  connections: Number(arg('connections', '50')),
  seconds: Number(arg('seconds', '15')),
  warmup: Number(arg('warmup', '5')),
  keep: resolve(arg('keep', `bench/results/cpu-profile-${Date.now()}`)),
  top: Number(arg('top', '40')),
  under: arg('under', ''),
  /** More node options for the profiled process, comma-separated (e.g. `--max-semi-space-size=32`). */
  nodeArgs: arg('node-args', '').split(',').filter(Boolean),
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** µs on the monotonic clock, as `process.hrtime` reads it (both are CLOCK_MONOTONIC on Linux). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const OWN = /\/dist\/(src|graphs)\/|\/bench\/floor\.ts/;

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function packageOf(url: string): string {
  const m = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m?.[1]) return m[1];
  if (OWN.test(url)) return 'switchboard';
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

function table(rows: Array<[string, number]>, total: number, top: number): string {
  return rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
}

/** The measured load's window (µs, monotonic): samples outside it (start-up, warm-up, shutdown) are left out. */
interface Window {
  fromUs: number;
  toUs: number;
  requests: number;
}

function analyse(profile: CpuProfile, window: Window | undefined): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)');
  const idleUs = idle.reduce((s, [, us]) => s + us, 0);
  const allUs = [...selfUs.values()].reduce((s, us) => s + us, 0);
  const busyUs = allUs - idleUs;
  const owners = new Map<string, number>();
  const packages = new Map<string, number>();
  const selfFns = new Map<string, number>();
  const underFns = new Map<string, number>();
  let underTotal = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const pkg = node.callFrame.functionName.startsWith('(')
      ? node.callFrame.functionName
      : packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    selfFns.set(frameName(node), (selfFns.get(frameName(node)) ?? 0) + us);
    let owner: ProfileNode | undefined;
    let under = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      if (!owner && OWN.test(frame.callFrame.url)) owner = frame;
      if (options.under && frame.callFrame.functionName === options.under) under = true;
    }
    const ownerName = owner ? frameName(owner) : `[node] ${frameName(node)}`;
    owners.set(ownerName, (owners.get(ownerName) ?? 0) + us);
    if (under) {
      underFns.set(frameName(node), (underFns.get(frameName(node)) ?? 0) + us);
      underTotal += us;
    }
  }
  const perRequest = window
    ? ` · ${(busyUs / window.requests).toFixed(0)} µs busy per request (${window.requests} requests)`
    : ' (the whole process: start-up and warm-up included)';
  console.log(`busy ${(busyUs / 1e6).toFixed(2)} s of ${(allUs / 1e6).toFixed(2)} s sampled${perRequest}`);
  console.log(`\n## By package (self time, % of busy)\n${table([...packages], busyUs, 20)}`);
  console.log(
    `\n## By owner: the innermost frame of our own code (% of busy)\n${table([...owners], busyUs, options.top)}`,
  );
  console.log(`\n## By function, self time (% of busy)\n${table([...selfFns], busyUs, options.top)}`);
  if (options.under) {
    console.log(`\n## Under ${options.under}: ${((100 * underTotal) / busyUs).toFixed(1)} % of busy, by self time`);
    console.log(table([...underFns], busyUs, options.top));
  }
}

async function main(): Promise<void> {
  mkdirSync(options.keep, { recursive: true });
  const existing = readdirSync(options.keep).filter((f) => f.endsWith('.cpuprofile'));
  let window: Window | undefined;
  if (existing.length === 0) {
    const upstream = await startUpstream();
    const name = options.floor ? 'floor' : options.model === 'auto' ? 'switchboard-auto' : 'switchboard';
    const target = await startTarget(name, upstream, {
      nodeArgs: [...options.nodeArgs, '--cpu-prof', `--cpu-prof-dir=${options.keep}`],
    });
    try {
      await load(target, options.warmup);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const requests = await load(target, options.seconds);
      window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n), requests };
      writeFileSync(join(options.keep, 'window.json'), JSON.stringify(window));
    } finally {
      await target.stop();
      await upstream.stop();
    }
    console.log(`profile kept in ${options.keep} (run again with --keep=DIR to analyse only)`);
  }
  const windowFile = join(options.keep, 'window.json');
  if (window === undefined && existsSync(windowFile)) window = JSON.parse(readFileSync(windowFile, 'utf8')) as Window;
  const file = readdirSync(options.keep).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${options.keep}: did the gateway exit cleanly?`);
  analyse(JSON.parse(readFileSync(join(options.keep, file), 'utf8')) as CpuProfile, window);
}

await main();
