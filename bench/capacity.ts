// Capacity (issue 20, items 4-6): 1,000 concurrent slow streams through the floor and through Switchboard, RSS over
// 200,000 requests, and throughput of one worker against two (`serve --workers`, on Redis). Runs the built gateway.
//   node --import tsx bench/capacity.ts [--only=streams,memory,workers] [--streams=1000] [--requests=200000]
//     [--block=20000] [--rounds=2] [--seconds=10] [--warmup=3] [--worker-cpu=0.4]
// `--worker-cpu=X` holds each worker to X of a core (a cgroup CPU quota each, bench/cpu-quota.ts), so that the load
// generator, the upstreams and Redis keep the rest of the machine: on two cores the only fair one against two workers.
// With it, the one-worker and the two-worker gateway are loaded at the same time, so that both sides of the ratio get
// the same moment of this shared host; without it, one after the other.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { type CpuQuota, limitCpu } from './cpu-quota.js';
import { type BenchRedis, startBenchRedis } from './events-redis.js';
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

/** A gateway of the workers part: `serve --workers N` on Redis with an upstream of its own, each worker under its quota. */
interface Gateway {
  workers: number;
  target: Target;
  upstream: Upstream;
  /** The serving processes: the gateway itself with one worker, else the primary's workers. */
  servers: number[];
  quotas: CpuQuota[];
}

async function startGateway(workers: number, redis: BenchRedis, prefix: string): Promise<Gateway> {
  const upstream = await startUpstream();
  const env = { REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: prefix, SWITCHBOARD_WORKERS: String(workers) };
  const target = await startTarget('switchboard', upstream, { env });
  const servers = workers === 1 ? [target.pid] : childrenOf(target.pid);
  if (servers.length !== workers) throw new Error(`${workers} workers asked for, ${servers.length} found`);
  const quotas = WORKER_CPU > 0 ? servers.map((pid) => limitCpu(pid, WORKER_CPU)) : [];
  return { workers, target, upstream, servers, quotas };
}

async function stopGateway(gateway: Gateway): Promise<void> {
  await gateway.target.stop();
  await gateway.upstream.stop();
  for (const quota of gateway.quotas) quota.release();
}

/**
 * One measured phase of each gateway, all under load at the same time (after an unmeasured warm-up, also together):
 * req/s each, and a line each on where the CPU went. Measured together, the host's noise (CPU per request here moves
 * by half between minutes, in every process alike) falls on both sides of the ratio.
 */
async function measureTogether(gateways: Gateway[], redis: BenchRedis, label: string): Promise<number[]> {
  await Promise.all(gateways.map((gateway) => runPhase(gateway.target, 50, WARMUP_SECONDS)));
  const cpu0 = gateways.map((gateway) => gateway.servers.map(processCpuMicros));
  const primary0 = gateways.map((gateway) => processCpuMicros(gateway.target.pid));
  const quota0 = gateways.map((gateway) => gateway.quotas.map((quota) => quota.stat()));
  const chats0 = await Promise.all(gateways.map(async (gateway) => (await gateway.upstream.stats()).chat));
  const harnessCpu = () => [
    processCpuMicros(process.pid),
    gateways.reduce((sum, gateway) => sum + processCpuMicros(gateway.upstream.pid), 0),
    processCpuMicros(redis.pid),
  ];
  const harness0 = harnessCpu();
  const wall0 = performance.now();
  const phases = await Promise.all(gateways.map((gateway) => runPhase(gateway.target, 50, SECONDS)));
  const wallMicros = (performance.now() - wall0) * 1000;
  const cores = (micros: number) => (micros / wallMicros).toFixed(2);
  const harness = harnessCpu().map((micros, i) => cores(micros - harness0[i]!));
  for (const [i, gateway] of gateways.entries()) {
    const served = (await gateway.upstream.stats()).chat - chats0[i]!;
    const used = gateway.servers.map((pid, j) => processCpuMicros(pid) - cpu0[i]![j]!);
    const primary = gateway.workers === 1 ? 0 : processCpuMicros(gateway.target.pid) - primary0[i]!;
    const perRequest = (used.reduce((sum, micros) => sum + micros, 0) + primary) / served;
    const throttled = gateway.quotas.map((quota, j) => {
      const [now, then] = [quota.stat(), quota0[i]![j]!];
      return `${(((now.throttled - then.throttled) / (now.periods - then.periods)) * 100).toFixed(0)} %`;
    });
    console.log(
      `${label}, ${gateway.workers} worker(s): ${phases[i]!.okPerSec.toFixed(0)} req/s, ${perRequest.toFixed(0)} µs CPU/req ` +
        `(the primary ${(primary / served).toFixed(0)}); cores used ${used.map(cores).join(' + ')}` +
        (throttled.length ? `, periods throttled ${throttled.join(', ')}` : ''),
    );
  }
  console.log(
    `  cores used by the load generator ${harness[0]}, the upstreams ${harness[1]}, Redis ${harness[2]}; load ${load()}`,
  );
  return phases.map((phase) => phase.okPerSec);
}

/**
 * Throughput of one worker against two, in rounds of fresh gateways. With `--worker-cpu` both run at once, each worker
 * under its quota, so that they share the host's moment; unlimited they run one after the other, as each would take
 * the whole machine.
 */
async function workersPart(): Promise<void> {
  const redis = await startBenchRedis();
  const quota =
    WORKER_CPU > 0 ? `, each worker held to ${WORKER_CPU} of a core, both at once` : ', one after the other';
  console.log(
    `\n## 1 worker against 2 (Redis ${redis.version}, 50 connections each, ${SECONDS} s${quota}), load ${load()}\n`,
  );
  const ratios: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      const label = `round ${round + 1}`;
      const rates = new Map<number, number>();
      const batches = WORKER_CPU > 0 ? [order] : order.map((workers) => [workers]);
      for (const batch of batches) {
        const gateways: Gateway[] = [];
        try {
          for (const workers of batch) gateways.push(await startGateway(workers, redis, `bench${round}w${workers}:`));
          const measured = await measureTogether(gateways, redis, label);
          for (const [i, gateway] of gateways.entries()) rates.set(gateway.workers, measured[i]!);
        } finally {
          for (const gateway of gateways) await stopGateway(gateway);
        }
      }
      ratios.push(rates.get(2)! / rates.get(1)!);
      console.log(`  ${label}: 2 workers ÷ 1 = ${ratios.at(-1)!.toFixed(2)}x`);
    }
  } finally {
    await redis.stop();
  }
  const sorted = [...ratios].sort((a, b) => a - b).map((ratio) => ratio.toFixed(2));
  console.log(`\n2 workers ÷ 1 worker: median ${percentile(ratios, 50).toFixed(2)}x (rounds ${sorted.join(', ')})`);
}

const info = machineInfo();
console.log(`# capacity, ${new Date().toISOString()}, ${info.cpuModel}, ${info.cores} cores, node ${process.version}`);
if (only.has('streams')) await streamsPart();
if (only.has('memory')) await memoryPart();
if (only.has('workers')) await workersPart();
console.log(`\nload after: ${load()}`);
