// Starts and stops the fake upstream and each benchmark target (floor, direct, switchboard, portkey) as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { SERVE_NODE_OPTIONS } from '../src/cli/node-options.js';
import { freePort, processExe } from './proc.js';
import { BENCH_KEY, BENCH_MODEL, type UpstreamStats } from './upstream.js';

export const TARGET_NAMES = [
  'floor',
  'direct',
  'switchboard',
  'switchboard-auto',
  'switchboard-base',
  'switchboard-base-auto',
  'portkey',
  'portkey-patched',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UPSTREAM_SCRIPT = fileURLToPath(new URL('./upstream.ts', import.meta.url));
export const FLOOR_SCRIPT = fileURLToPath(new URL('./floor.ts', import.meta.url));
const CONFIG_TEMPLATE = fileURLToPath(new URL('./switchboard.bench.yaml', import.meta.url));
/** The built Switchboard CLI; the switchboard target is skipped while it does not exist. */
export const SWITCHBOARD_CLI = join(ROOT, 'dist/src/cli/index.js');
const PORTKEY_SERVER = join(ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js');
const PORTKEY_PATCH = fileURLToPath(new URL('./portkey-patch.ts', import.meta.url));

/** A target that cannot run here (not built, not installed): reported, not fatal. */
export class SkipTargetError extends Error {}

/** A running child process the harness owns. */
export interface Child {
  pid: number;
  /** The last lines it printed, for error messages. */
  logTail(): string;
  stop(): Promise<void>;
}

export interface Upstream extends Child {
  /** e.g. http://127.0.0.1:41234 (no /v1). */
  origin: string;
  stats(): Promise<UpstreamStats>;
}

/** A gateway (or the upstream itself) under load. */
export interface Target extends Child {
  name: TargetName;
  /** e.g. http://127.0.0.1:41235 */
  origin: string;
  chatPath: string;
  headers: Record<string, string>;
  model: string;
  /** The upstream that answers this target's requests (to check it really forwarded them). */
  upstream: Upstream;
}

export interface StartOptions {
  /** `taskset -c` core list for the process, or undefined to leave it unpinned. */
  cores?: string;
  /** Per-chunk delay of the upstream's streams, ms. */
  chunkDelayMs?: number;
  /** Content chunks of the upstream's streams (default 20). */
  streamChunks?: number;
  /** Switchboard only: more environment (e.g. SWITCHBOARD_STORE), over the harness's own. */
  env?: Record<string, string>;
  /** Switchboard and the floor: node options before the script (e.g. `--import` preloads, `--cpu-prof`). */
  nodeArgs?: string[];
  /** Switchboard only: fields merged into the bench provider's config entry (e.g. `limits`). */
  provider?: Record<string, unknown>;
  /** switchboard-base targets: another build's `dist/src/cli/index.js` (an A/B of two commits in one run). */
  baseCli?: string;
}

interface SpawnOptions {
  label: string;
  args: string[];
  env?: Record<string, string>;
  cores?: string;
  readyLine?: RegExp;
  healthUrl?: (line: string | undefined) => string;
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

async function pollHealth(url: string, deadline: number, exited: () => boolean): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline && !exited()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not healthy (${exited() ? 'process exited' : last})`);
}

/** Spawns `node <args>` (through taskset when pinned; taskset execs, so the pid is node's) and waits until ready. */
async function spawnNode(opts: SpawnOptions): Promise<{ child: Child; readyLine?: string }> {
  const [cmd, args] = opts.cores
    ? ['taskset', ['-c', opts.cores, process.execPath, ...opts.args]]
    : [process.execPath, opts.args];
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  const lines: string[] = [];
  let exited = false;
  let lineWaiter: ((line: string) => void) | undefined;
  const partial = new Map<unknown, string>();
  const onData =
    (stream: unknown) =>
    (buf: Buffer): void => {
      const parts = ((partial.get(stream) ?? '') + buf.toString('utf8')).split('\n');
      partial.set(stream, parts.pop() ?? '');
      for (const line of parts) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 40) lines.shift();
        if (lineWaiter && opts.readyLine?.test(line)) lineWaiter(line);
      }
    };
  proc.stdout?.on('data', onData(proc.stdout));
  proc.stderr?.on('data', onData(proc.stderr));
  const exitPromise = new Promise<void>((resolve) => {
    proc.on('exit', () => {
      exited = true;
      live.delete(proc);
      resolve();
    });
  });
  const child: Child = {
    pid: proc.pid ?? -1,
    logTail: () => lines.slice(-15).join('\n'),
    async stop() {
      if (exited) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  try {
    let readyLine: string | undefined;
    if (opts.readyLine) {
      readyLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${opts.readyLine}`)), deadline - Date.now());
        lineWaiter = (line) => {
          lineWaiter = undefined;
          clearTimeout(timer);
          resolve(line);
        };
        void exitPromise.then(() => {
          clearTimeout(timer);
          reject(new Error('process exited'));
        });
      });
    }
    if (opts.healthUrl) await pollHealth(opts.healthUrl(readyLine), deadline, () => exited);
    return { child, readyLine };
  } catch (err) {
    await child.stop();
    throw new Error(`${opts.label} did not start: ${(err as Error).message}\n${child.logTail()}`);
  }
}

async function startUpstreamProcess(label: string, opts: StartOptions): Promise<Upstream> {
  const { child, readyLine } = await spawnNode({
    label,
    args: [
      '--import',
      'tsx',
      UPSTREAM_SCRIPT,
      '--port=0',
      `--chunk-delay-ms=${opts.chunkDelayMs ?? 0}`,
      `--chunks=${opts.streamChunks ?? 20}`,
    ],
    cores: opts.cores,
    readyLine: /listening on http:\/\/127\.0\.0\.1:\d+/,
    healthUrl: (line) => `${line?.match(/http:\/\/\S+/)?.[0]}/v1/models`,
  });
  const origin = readyLine?.match(/http:\/\/\S+/)?.[0] ?? '';
  return {
    ...child,
    origin,
    async stats() {
      const res = await fetch(`${origin}/__bench/stats`);
      return (await res.json()) as UpstreamStats;
    },
  };
}

/** Starts the shared fake upstream the gateways forward to. */
export function startUpstream(opts: StartOptions = {}): Promise<Upstream> {
  return startUpstreamProcess('upstream', opts);
}

const AUTH = { authorization: `Bearer ${BENCH_KEY}` };

async function startDirect(opts: StartOptions): Promise<Target> {
  // Its own upstream instance, placed like a gateway (same cores), so the baseline runs where the gateways run.
  const up = await startUpstreamProcess('direct', opts);
  return {
    ...up,
    name: 'direct',
    chatPath: '/v1/chat/completions',
    headers: { ...AUTH },
    model: BENCH_MODEL,
    upstream: up,
  };
}

/** Writes the bench config for Switchboard from the template, pointed at the upstream, `extra` merged in its provider. */
function writeSwitchboardConfig(
  upstream: Upstream,
  port: number,
  extra: Record<string, unknown> = {},
): { dir: string; file: string } {
  const doc = parse(readFileSync(CONFIG_TEMPLATE, 'utf8')) as {
    server?: Record<string, unknown>;
    providers: Array<Record<string, unknown>>;
  };
  const provider = doc.providers[0];
  if (!provider) throw new Error(`${CONFIG_TEMPLATE} has no provider`);
  Object.assign(provider, extra, { baseUrl: `${upstream.origin}/v1` });
  doc.server = { ...doc.server, host: '127.0.0.1', port };
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const file = join(dir, 'switchboard.yaml');
  writeFileSync(file, stringify(doc));
  return { dir, file };
}

/** The floor (bench/floor.ts): bare node:http + undici, what any Node gateway costs at the least. */
async function startFloor(upstream: Upstream, opts: StartOptions): Promise<Target> {
  const { child, readyLine } = await spawnNode({
    label: 'floor',
    args: [...(opts.nodeArgs ?? []), '--import', 'tsx', FLOOR_SCRIPT, '--port=0', `--upstream=${upstream.origin}`],
    cores: opts.cores,
    readyLine: /listening on http:\/\/127\.0\.0\.1:\d+/,
    healthUrl: (line) => `${line?.match(/http:\/\/\S+/)?.[0]}/health`,
  });
  return {
    ...child,
    name: 'floor',
    origin: readyLine?.match(/http:\/\/\S+/)?.[0] ?? '',
    chatPath: '/v1/chat/completions',
    headers: { ...AUTH },
    model: BENCH_MODEL,
    upstream,
  };
}

/** Switchboard from `cli` (this checkout's build, or `baseCli`), asked for the pinned bench model or for `auto`. */
async function startSwitchboard(
  name: TargetName,
  upstream: Upstream,
  opts: StartOptions,
  cli: string,
  auto: boolean,
): Promise<Target> {
  if (!existsSync(cli)) {
    throw new SkipTargetError(`${cli} is missing (run \`npm run build\`, or give --base-cli a built checkout)`);
  }
  const port = await freePort();
  const { dir, file } = writeSwitchboardConfig(upstream, port, opts.provider);
  const origin = `http://127.0.0.1:${port}`;
  try {
    const { child } = await spawnNode({
      label: 'switchboard',
      // Started as `npm start` starts it (the serve options); --node-args come after, so they may override them.
      args: [...SERVE_NODE_OPTIONS, ...(opts.nodeArgs ?? []), cli, 'serve', '--config', file, '--port', String(port)],
      // A fresh data directory (the SQLite database), removed with the config: runs never inherit each other's state.
      env: { SWITCHBOARD_DATA_DIR: join(dir, 'data'), ...opts.env },
      cores: opts.cores,
      readyLine: /listening/i,
      healthUrl: () => `${origin}/health`,
    });
    return {
      ...child,
      async stop() {
        await child.stop();
        rmSync(dir, { recursive: true, force: true });
      },
      name,
      origin,
      chatPath: '/v1/chat/completions',
      headers: { ...AUTH },
      model: auto ? 'auto' : `bench/${BENCH_MODEL}`,
      upstream,
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Portkey as installed; `patched` preloads bench/portkey-patch.ts (the fix for its streaming bug #1389). */
async function startPortkey(upstream: Upstream, opts: StartOptions, patched: boolean): Promise<Target> {
  if (!existsSync(PORTKEY_SERVER)) throw new SkipTargetError(`${PORTKEY_SERVER} is missing`);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // --port=N sets the port (default 8787); --headless skips the log UI routes. It has no /health: GET / answers 200.
  const { child } = await spawnNode({
    label: patched ? 'portkey-patched' : 'portkey',
    args: [
      ...(patched ? ['--import', 'tsx', '--import', PORTKEY_PATCH] : []),
      PORTKEY_SERVER,
      `--port=${port}`,
      '--headless',
    ],
    cores: opts.cores,
    healthUrl: () => `${origin}/`,
  });
  return {
    ...child,
    name: patched ? 'portkey-patched' : 'portkey',
    origin,
    chatPath: '/v1/chat/completions',
    // Provider "openai" with a custom host: Portkey appends /chat/completions to the host, so it carries /v1.
    // 127.0.0.1 passes its custom-host check because it is in the default TRUSTED_CUSTOM_HOSTS.
    headers: {
      ...AUTH,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstream.origin}/v1`,
    },
    model: BENCH_MODEL,
    upstream,
  };
}

/** Starts one target; throws SkipTargetError when it cannot run here. */
export async function startTarget(name: TargetName, upstream: Upstream, opts: StartOptions = {}): Promise<Target> {
  const auto = name.endsWith('-auto');
  const target =
    name === 'floor'
      ? await startFloor(upstream, opts)
      : name === 'direct'
        ? await startDirect(opts)
        : name.startsWith('switchboard-base')
          ? await startSwitchboard(name, upstream, opts, opts.baseCli ?? '(no --base-cli)', auto)
          : name.startsWith('switchboard')
            ? await startSwitchboard(name, upstream, opts, SWITCHBOARD_CLI, auto)
            : await startPortkey(upstream, opts, name === 'portkey-patched');
  const exe = processExe(target.pid);
  if (exe !== processExe(process.pid)) {
    await target.stop();
    throw new Error(`${name}: pid ${target.pid} runs ${exe}, not node: its CPU would not be the gateway's`);
  }
  return target;
}
