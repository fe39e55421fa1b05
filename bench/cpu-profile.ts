// Where a built gateway's CPU goes under load: V8's sampling profiler (`node --cpu-prof`) on the switchboard target
// while autocannon loads it, then the samples charged to their owners.
// node --import tsx bench/cpu-profile.ts [--model=auto | --floor] [--stream] [--connections=50] [--seconds=15] [--warmup=5]
//   [--base-cli=FILE] [--keep=DIR] [--top=40] [--under=FUNCTION] [--node-args=A,B] [--redis]
// `--redis` runs the gateway on a throwaway redis-server (its stores and bus there, as `serve --workers` needs).
// Owner of a sample: the innermost frame in this project's own code (dist/src, dist/graphs), so that time spent in a
// library or in node on our behalf is charged to the line of ours that asked for it. Node's own work with no frame of
// ours below it (the socket, timers, the HTTP parser) is shown by its own innermost frame. `--under=F` lists what F
// calls, by self time of every sample with F on its stack.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CpuProfile,
  frameName,
  loadChat,
  ownFrames,
  packageOf,
  profiledTarget,
  profileOptions,
} from './profile-frames.js';
import { type BenchRedis, startBenchRedis } from './events-redis.js';
import { startTarget, startUpstream } from './targets.js';

const options = profileOptions('cpu', 15);

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
  const ownerOf = ownFrames(profile);
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
    const pkg = packageOf(node.callFrame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    selfFns.set(frameName(node.callFrame), (selfFns.get(frameName(node.callFrame)) ?? 0) + us);
    let under = false;
    for (let at: number | undefined = id; options.under && at !== undefined && !under; at = parent.get(at))
      under = byId.get(at)?.callFrame.functionName === options.under;
    const owner = ownerOf.get(id);
    const ownerName = owner ? frameName(owner) : `[node] ${frameName(node.callFrame)}`;
    owners.set(ownerName, (owners.get(ownerName) ?? 0) + us);
    if (under) {
      underFns.set(frameName(node.callFrame), (underFns.get(frameName(node.callFrame)) ?? 0) + us);
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
    const redis: BenchRedis | undefined = process.argv.includes('--redis') ? await startBenchRedis() : undefined;
    const upstream = await startUpstream();
    const { name, baseCli } = profiledTarget(options);
    const target = await startTarget(name, upstream, {
      nodeArgs: [...options.nodeArgs, '--cpu-prof', `--cpu-prof-dir=${options.keep}`],
      ...(baseCli === undefined ? {} : { baseCli }),
      ...(redis === undefined ? {} : { env: { REDIS_URL: redis.url } }),
    });
    try {
      await loadChat(target, options, options.warmup);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const requests = await loadChat(target, options, options.seconds);
      window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n), requests };
      writeFileSync(join(options.keep, 'window.json'), JSON.stringify(window));
    } finally {
      await target.stop();
      await upstream.stop();
      await redis?.stop();
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
