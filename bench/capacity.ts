// Capacity (issue 20, items 4-6): 1,000 concurrent slow streams through the floor and through Switchboard, RSS over
// 200,000 requests, and throughput of one worker against two (`serve --workers`, on Redis). Runs the built gateway.
//   node --import tsx bench/capacity.ts [--only=streams,memory,workers] [--streams=1000] [--requests=200000]
//     [--block=20000] [--rounds=2] [--seconds=10] [--warmup=3] [--worker-cpu=0.5]
// `--worker-cpu=X` holds each worker to X of a core (a cgroup CPU quota each, bench/cpu-quota.ts), so that the load
// generator, the upstream and Redis keep the rest of the machine: on two cores the only fair one against two workers.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { type CpuQuota, limitCpu } from './cpu-quota.js';
import { startBenchRedis } from './events-redis.js';
import { percentile, runPhase } from './load.js';
import { machineInfo, processCpuMicros } from './proc.js';
import { startTarget, startUpstream, type Target, type Upstream } from './targets.js';
import { BENCH_KEY, BENCH_MODEL } from './upstream.js';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const only = new Set(arg('only', 'streams,memory,workers').split(','));
const STREAMS = Number(arg('streams', '1000'));
const REQUESTS = Number(arg('requests', '200000'));
const ROUNDS = Number(arg('rounds', '2'));
const SECONDS = Number(arg('seconds', '10'));
/** Unmeasured load before each workers phase, s: a worker held to part of a core needs longer to reach its JIT's steady state. */
const WARMUP_SECONDS = Number(arg('warmup', '3'));
const CHUNK_DELAY_MS = Number(arg('chunk-delay-ms', '100'));
/** Each worker's CPU quota, cores (0: none). */
const WORKER_CPU = Number(arg('worker-cpu', '0'));
/** Requests between two RSS samples of the memory part. */
const BLOCK = Number(arg('block', '20000'));
/** The pool and cap before issue 20: undici's 128 sockets per origin, and a default of 64 calls in flight. */
const AS_BEFORE = { limits: { concurrency: 64 }, maxConnections: 128 };
const FLOOR_SCRIPT = fileURLToPath(new URL('./floor.ts', import.meta.url));

/** Resident memory of a process, MB. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

const load = () => loadavg()[0]!.toFixed(1);

/**
 * Connections this machine's listeners turned away so far because their accept queue was full (TcpExt
 * ListenOverflows): a client whose connect is dropped tries again after a second, which shows in the p99.
 */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith('TcpExt:'));
  const names = lines[at]?.split(' ') ?? [];
  const values = lines[at + 1]?.split(' ') ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? Number.NaN);
}

/** The gateway's V8 heap in use (prom-client's gauge on `/metrics`, read at the scrape), MB; RSS also counts what V8 and malloc keep. */
async function heapUsedMb(target: Target): Promise<string> {
  const text = await (await request(`${target.origin}/metrics`)).body.text();
  const used = /^switchboard_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  return used === undefined ? '?' : (Number(used) / 2 ** 20).toFixed(0);
}

/** The child processes of `pid` (none when it is gone). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // gone meanwhile: no children to count
  }
}

/** CPU time of a process and its children (a `--workers` primary and its workers), µs. */
function treeCpuMicros(pid: number): number {
  return processCpuMicros(pid) + childrenOf(pid).reduce((sum, child) => sum + treeCpuMicros(child), 0);
}

/** Each serving process of `target` held to WORKER_CPU: the process itself, or a primary's workers (not the primary). */
function limitWorkers(target: Target, workers: number): CpuQuota[] {
  if (!(WORKER_CPU > 0)) return [];
  const pids = workers === 1 ? [target.pid] : childrenOf(target.pid);
  if (pids.length !== workers) throw new Error(`${workers} workers asked for, ${pids.length} found`);
  return pids.map((pid) => limitCpu(pid, WORKER_CPU));
}

/** Where concurrent streams go: the floor proxy or a gateway. */
interface StreamTarget {
  pid: number;
  origin: string;
  model: string;
  stop(): Promise<void>;
}

async function startFloor(upstream: Upstream): Promise<StreamTarget> {
  const child = spawn(process.execPath, ['--import', 'tsx', FLOOR_SCRIPT, `--upstream=${upstream.origin}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      const url = /listening on (http:\/\/\S+)/.exec(data.toString())?.[1];
      if (url) resolve(url);
    });
    child.once('exit', () => reject(new Error('floor proxy exited')));
  });
  return {
    pid: child.pid!,
    origin,
    model: BENCH_MODEL,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

/** `n` streams at once: time to each one's first body byte, how many came whole, the upstream's most at once, RSS. */
async function concurrentStreams(target: StreamTarget, upstream: Upstream, n: number) {
  const dispatcher = new Agent({ connections: null, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ model: target.model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
  const one = async () => {
    const t0 = performance.now();
    const answer = await request(`${target.origin}/v1/chat/completions`, { method: 'POST', headers, body, dispatcher });
    let first = Number.NaN;
    let text = '';
    for await (const chunk of answer.body) {
      if (Number.isNaN(first)) first = performance.now() - t0;
      text += (chunk as Buffer).toString();
    }
    const ok = answer.statusCode === 200 && text.split('tok ').length - 1 === 20 && text.includes('[DONE]');
    return { first, total: performance.now() - t0, ok };
  };
  // A few first, unmeasured: the gateway's code warm, its pool opened.
  await Promise.all(Array.from({ length: 5 }, one));
  const maxBefore = (await upstream.stats()).maxInFlight;
  let peakRss = rssMb(target.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(target.pid))), 100);
  const cpu0 = processCpuMicros(target.pid);
  const overflows0 = listenOverflows();
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, () => one().catch(() => ({ first: Number.NaN, total: Number.NaN, ok: false }))),
  );
  const wallMs = performance.now() - t0;
  const turnedAway = listenOverflows() - overflows0;
  clearInterval(sampler);
  await dispatcher.close();
  const firsts = results.filter((r) => r.ok).map((r) => r.first);
  return {
    ok: results.filter((r) => r.ok).length,
    firstP50: percentile(firsts, 50),
    firstP99: percentile(firsts, 99),
    wallMs,
    maxOpenAtUpstream: Math.max(maxBefore, (await upstream.stats()).maxInFlight),
    peakRss,
    rssAfter: rssMb(target.pid),
    cpuMsTotal: (processCpuMicros(target.pid) - cpu0) / 1000,
    turnedAway,
  };
}

async function streamsPart(): Promise<void> {
  const title = `${STREAMS} concurrent slow streams (20 chunks, ${CHUNK_DELAY_MS} ms apart)`;
  console.log(`\n## ${title}, load ${load()}\n`);
  console.log(
    '| target | whole | first chunk p50 | p99 | all done in | most open at upstream | RSS peak | target CPU | connects turned away |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of ['floor', 'switchboard', 'switchboard, pool and cap as before'] as const) {
    const upstream = await startUpstream({ chunkDelayMs: CHUNK_DELAY_MS });
    const target: StreamTarget =
      name === 'floor'
        ? await startFloor(upstream)
        : await startTarget('switchboard', upstream, name === 'switchboard' ? {} : { provider: AS_BEFORE });
    try {
      const r = await concurrentStreams(target, upstream, STREAMS);
      console.log(
        `| ${name} | ${r.ok}/${STREAMS} | ${r.firstP50.toFixed(1)} ms | ${r.firstP99.toFixed(1)} ms | ` +
          `${(r.wallMs / 1000).toFixed(2)} s | ${r.maxOpenAtUpstream} | ${r.peakRss.toFixed(0)} MB | ${r.cpuMsTotal.toFixed(0)} ms | ${r.turnedAway} |`,
      );
    } finally {
      await target.stop();
      await upstream.stop();
    }
  }
}

async function memoryPart(): Promise<void> {
  const block = BLOCK;
  console.log(`\n## RSS over ${REQUESTS} requests (50 connections, blocks of ${block}), load ${load()}\n`);
  const upstream = await startUpstream();
  const target: Target = await startTarget('switchboard', upstream);
  try {
    console.log(`| requests | RSS MB | V8 heap used MB | req/s | load |`);
    console.log('|---|---|---|---|---|');
    console.log(`| 0 | ${rssMb(target.pid).toFixed(0)} | ${await heapUsedMb(target)} | | ${load()} |`);
    for (let done = 0; done < REQUESTS; done += block) {
      const phase = await runPhase(target, 50, 0, block);
      const heap = await heapUsedMb(target);
      console.log(
        `| ${done + block} | ${rssMb(target.pid).toFixed(0)} | ${heap} | ${phase.okPerSec.toFixed(0)} (${phase.errors} errors) | ${load()} |`,
      );
    }
  } finally {
    await target.stop();
    await upstream.stop();
  }
}

async function workersPart(): Promise<void> {
  const redis = await startBenchRedis();
  const quota = WORKER_CPU > 0 ? `, each worker held to ${WORKER_CPU} of a core` : '';
  console.log(
    `\n## 1 worker against 2 (Redis ${redis.version}, 50 connections, ${SECONDS} s${quota}), load ${load()}\n`,
  );
  const upstream = await startUpstream();
  const rates: Record<string, number[]> = { 1: [], 2: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const workers of round % 2 === 0 ? ['1', '2'] : ['2', '1']) {
        const env = { REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: `bench${round}w${workers}:` };
        const target = await startTarget('switchboard', upstream, { env: { ...env, SWITCHBOARD_WORKERS: workers } });
        let quotas: CpuQuota[] = [];
        try {
          quotas = limitWorkers(target, Number(workers));
          // Every worker warm: the primary hands new connections to each in turn.
          await runPhase(target, 50, WARMUP_SECONDS);
          const cpu0 = treeCpuMicros(target.pid);
          const primary0 = processCpuMicros(target.pid);
          const chats0 = (await upstream.stats()).chat;
          const phase = await runPhase(target, 50, SECONDS);
          const served = (await upstream.stats()).chat - chats0;
          const perRequest = (treeCpuMicros(target.pid) - cpu0) / served;
          const primary = workers === '1' ? 0 : (processCpuMicros(target.pid) - primary0) / served;
          rates[workers]!.push(phase.okPerSec);
          console.log(
            `round ${round + 1}, ${workers} worker(s): ${phase.okPerSec.toFixed(0)} req/s, ` +
              `${perRequest.toFixed(0)} µs CPU/req (all its processes; the primary ${primary.toFixed(0)}), load ${load()}`,
          );
        } finally {
          await target.stop();
          for (const quota of quotas) quota.release();
        }
      }
    }
  } finally {
    await upstream.stop();
    await redis.stop();
  }
  const median = (values: number[]) => percentile(values, 50);
  const one = median(rates['1']!);
  const two = median(rates['2']!);
  console.log(`\n1 worker ${one.toFixed(0)} req/s, 2 workers ${two.toFixed(0)} req/s: ${(two / one).toFixed(2)}x`);
}

const info = machineInfo();
console.log(`# capacity, ${new Date().toISOString()}, ${info.cpuModel}, ${info.cores} cores, node ${process.version}`);
if (only.has('streams')) await streamsPart();
if (only.has('memory')) await memoryPart();
if (only.has('workers')) await workersPart();
console.log(`\nload after: ${load()}`);
