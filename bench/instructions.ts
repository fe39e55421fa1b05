// Instructions per request of a built gateway, counted by valgrind's callgrind: unlike CPU time, an instruction count
// does not move when other work shares the machine, so two builds can be compared a few percent apart on a busy one.
// node --import tsx bench/instructions.ts [--cli=dist/src/cli/index.js | --floor] [--store=sqlite|memory|redis] [--stream]
//   [--chunks=20] [--chunk-delay=0] [--warmup=1500] [--requests=2000] [--connections=4] [--runs=1] [--keep=DIR]
// `--floor` counts the floor (bench/floor.ts) instead: with --stream at two chunk counts, the floor's instructions per
// relayed chunk, which issue 20's target compares the gateway's with.
// Under valgrind a request takes some 50 times longer: few connections and long upstream timeouts keep every request a
// success (a timeout would take another path and count other instructions).
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { parse, stringify } from 'yaml';
import { SERVE_NODE_OPTIONS } from '../src/cli/node-options.js';
import { type BenchRedis, startBenchRedis } from './events-redis.js';
import { freePort } from './proc.js';
import { arg } from './profile-frames.js';
import { FLOOR_SCRIPT, SWITCHBOARD_CLI, startUpstream, type Upstream } from './targets.js';
import { BENCH_ANSWER, BENCH_KEY, BENCH_MODEL } from './upstream.js';

const CONFIG_TEMPLATE = new URL('./switchboard.bench.yaml', import.meta.url);

const options = {
  cli: resolve(arg('cli', SWITCHBOARD_CLI)),
  floor: process.argv.includes('--floor'),
  store: arg('store', 'sqlite'),
  stream: process.argv.includes('--stream'),
  /** Content chunks per stream (with --stream): two counts give the instructions per relayed chunk. */
  chunks: Number(arg('chunks', '20')),
  /**
   * The upstream's pause before each chunk, ms. At 0 a stream's chunks come in one socket read of the target's (the
   * upstream is not under valgrind): the floor then writes them on in one write, which no real stream does; with a
   * pause each chunk is a read and a write of its own, as with a provider streaming tokens.
   */
  chunkDelay: Number(arg('chunk-delay', '0')),
  warmup: Number(arg('warmup', '1500')),
  requests: Number(arg('requests', '2000')),
  connections: Number(arg('connections', '4')),
  runs: Number(arg('runs', '1')),
  /**
   * Keeps the measured requests' callgrind file in this directory, with the gateway's perf map (node runs with
   * --perf-basic-prof), so that JIT-compiled functions can be named (`callgrind_annotate` shows them as addresses).
   */
  keep: arg('keep', ''),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEADERS = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
const body = (stream: boolean) =>
  JSON.stringify({
    model: `bench/${BENCH_MODEL}`,
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 32,
    ...(stream ? { stream: true } : {}),
  });

/**
 * `amount` requests at `connections`. Under valgrind a few may fail on the way (a keep-alive socket closed as the next
 * request goes out, a request left waiting past a server timeout): more than 3 % is an error (`strict`, the measured
 * requests), fewer are left out of the count (the caller divides by the requests the upstream received).
 */
async function load(origin: string, amount: number, strict = true): Promise<void> {
  if (options.stream) return streams(origin, amount);
  const res = await autocannon({
    url: `${origin}/v1/chat/completions`,
    method: 'POST',
    headers: HEADERS,
    body: body(false),
    connections: options.connections,
    amount,
    timeout: 600,
    verifyBody: (text) => text.includes(BENCH_ANSWER),
  });
  const ok = res['2xx'] - res.mismatches;
  if (strict && ok < amount * 0.97)
    throw new Error(`${ok} of ${amount} requests answered as expected (${JSON.stringify(res)})`);
}

/** `amount` streamed requests, `connections` at a time, each read to its end. */
async function streams(origin: string, amount: number): Promise<void> {
  const dispatcher = new Agent({ connections: options.connections });
  let next = 0;
  const worker = async () => {
    while (next < amount) {
      next++;
      const res = await request(`${origin}/v1/chat/completions`, {
        method: 'POST',
        headers: HEADERS,
        body: body(true),
        dispatcher,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || !text.includes('[DONE]')) throw new Error(`stream failed: ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  await dispatcher.close();
}

/** Timeouts far beyond valgrind's slowness; `firstByteMinMs` only for builds that know it (older ones reject it). */
function slowTimeouts(): Record<string, number> {
  const schema = join(options.cli, '../../config/schema.js');
  const adaptive = existsSync(schema) && readFileSync(schema, 'utf8').includes('firstByteMinMs');
  return { firstByteMs: 600_000, idleMs: 600_000, ...(adaptive ? { firstByteMinMs: 600_000 } : {}) };
}

function writeConfig(dir: string, upstream: Upstream, port: number): string {
  const doc = parse(readFileSync(CONFIG_TEMPLATE, 'utf8')) as { providers: Array<Record<string, unknown>> } & {
    server: Record<string, unknown>;
    timeouts?: Record<string, number>;
  };
  Object.assign(doc.providers[0] ?? {}, { baseUrl: `${upstream.origin}/v1` });
  doc.server = { ...doc.server, host: '127.0.0.1', port };
  doc.timeouts = slowTimeouts();
  const file = join(dir, 'switchboard.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** The `totals:` (or `summary:`) Ir of a callgrind output file. */
function totalIr(file: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('totals:') || l.startsWith('summary:'));
  if (!line) throw new Error(`${file} has no totals`);
  return Number(line.split(/\s+/)[1]);
}

/** Asks callgrind (through vgdb) to dump the counts since the last dump or zeroing; returns the new file. */
function dump(dir: string, pid: number): string {
  const before = new Set(readdirSync(dir));
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const added = readdirSync(dir).filter((f) => f.startsWith('cg.') && !before.has(f));
  if (added.length !== 1) throw new Error(`expected one new dump, got ${added.join(', ') || 'none'}`);
  return join(dir, added[0] as string);
}

async function waitHealthy(origin: string, exited: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 900_000; Date.now() < deadline && !exited(); ) {
    try {
      const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // still starting
    }
    await sleep(500);
  }
  throw new Error('the gateway did not become healthy under valgrind');
}

/** What node runs: the gateway as `npm start` runs it (its config written to `dir`), or the floor before `upstream`. */
function targetArgs(dir: string, upstream: Upstream, port: number): string[] {
  const perfMap = options.keep ? ['--perf-basic-prof'] : [];
  if (options.floor)
    return [...perfMap, '--import', 'tsx', FLOOR_SCRIPT, `--port=${port}`, `--upstream=${upstream.origin}`];
  const config = writeConfig(dir, upstream, port);
  return [...SERVE_NODE_OPTIONS, ...perfMap, options.cli, 'serve', '--config', config, '--port', String(port)];
}

/** One gateway (or the floor) under callgrind: warm-up, then the measured requests; instructions per request. */
async function measure(upstream: Upstream): Promise<{ perRequest: number; idlePerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-instr-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const proc = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      // Start-up and warm-up run uninstrumented (several times faster); counting starts at the measured requests.
      '--instr-atstart=no',
      `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      process.execPath,
      ...targetArgs(dir, upstream, port),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SWITCHBOARD_DATA_DIR: join(dir, 'data'),
        ...(redis === undefined ? { SWITCHBOARD_STORE: options.store } : { REDIS_URL: redis.url }),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4_000)));
  let exited = false;
  const gone = new Promise<void>((r) => proc.on('exit', () => r(void (exited = true))));
  try {
    await waitHealthy(origin, () => exited);
    await load(origin, options.warmup, false);
    await sleep(2_000);
    const pid = proc.pid as number;
    execFileSync('callgrind_control', ['-i', 'on', String(pid)], { stdio: 'ignore' });
    const t0 = performance.now();
    const before = (await upstream.stats()).chat;
    await load(origin, options.requests);
    await sleep(2_000); // the write-behind tick of the last requests
    const loaded = totalIr(dump(dir, pid));
    const seconds = (performance.now() - t0) / 1_000;
    const forwarded = (await upstream.stats()).chat - before;
    // What the idle gateway runs per second (timers), to take out of the loaded window's count.
    await sleep(10_000);
    const idleFile = dump(dir, pid);
    const idlePerSecond = totalIr(idleFile) / 10;
    if (options.keep) {
      mkdirSync(options.keep, { recursive: true });
      const measured = readdirSync(dir)
        .filter((f) => f.startsWith('cg.'))
        .sort()
        .at(-2) as string;
      copyFileSync(join(dir, measured), join(options.keep, `callgrind.${pid}`));
      copyFileSync(`/tmp/perf-${pid}.map`, join(options.keep, `perf-${pid}.map`));
    }
    return { perRequest: (loaded - idlePerSecond * seconds) / forwarded, idlePerSecond };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${stderr}`);
  } finally {
    proc.kill('SIGTERM');
    await Promise.race([gone, sleep(60_000)]);
    if (!exited) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!options.floor && !existsSync(options.cli)) throw new Error(`${options.cli} does not exist (npm run build)`);
const upstream = await startUpstream({ streamChunks: options.chunks, chunkDelayMs: options.chunkDelay });
// --store=redis: the gateway's stores on a throwaway redis-server (not under valgrind).
const redis: BenchRedis | undefined = options.store === 'redis' ? await startBenchRedis() : undefined;
try {
  for (let run = 0; run < options.runs; run++) {
    const { perRequest, idlePerSecond } = await measure(upstream);
    console.log(
      `${options.floor ? 'floor' : `${options.cli} store=${options.store}`}` +
        `${options.stream ? ` stream of ${options.chunks} chunks${options.chunkDelay > 0 ? ` ${options.chunkDelay} ms apart` : ''}` : ''} c=${options.connections}: ` +
        `${Math.round(perRequest).toLocaleString('en')} instructions/request ` +
        `(idle ${Math.round(idlePerSecond).toLocaleString('en')}/s)`,
    );
  }
} finally {
  await upstream.stop();
  await redis?.stop();
}
