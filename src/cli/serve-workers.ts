// `switchboard serve --workers N`: N gateway processes on one port (node:cluster). The primary only supervises: it
// starts the workers, replaces one that dies (with backoff), passes stop and reload on to them, and exits once they
// have. Each worker is a whole gateway; they share their state through Redis.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { CliHost } from './host.js';
import { withServeOptions } from './node-options.js';

/** What a worker tells the primary: what it would have printed once listening, or a start failure's message. */
interface WorkerReport {
  type: 'switchboard:output';
  stdout: string;
  stderr: string;
}

/** What the primary tells a worker: stop gracefully, stop at once (a second signal), read the config again. */
type PrimaryCommand = 'stop' | 'close' | 'reload';

/** Exit code of a worker that ended its start without saying why (sysexits.h EX_SOFTWARE), as `serve` uses. */
const EXIT_SOFTWARE = 70;
/** The first restart waits this long; each further crash within RESTART_WINDOW_MS doubles it, up to the cap. */
const RESTART_MIN_MS = 100;
const RESTART_MAX_MS = 30_000;
const RESTART_WINDOW_MS = 60_000;

/**
 * The worker count of `--workers` (else SWITCHBOARD_WORKERS): a whole number from 1, or `auto` (every core). Throws
 * a message for anything else.
 */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  if (value === 'auto') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--workers: a whole number from 1, or auto (not ${value})`);
  return count;
}

/**
 * Why more than one worker is refused without Redis, or undefined when they may run. The embedded store is SQLite in
 * the data directory, which one process holds at a time; the memory store is each process's own.
 */
export function workersRefusal(count: number, env: NodeJS.ProcessEnv): string | undefined {
  if (count <= 1 || (env['REDIS_URL'] ?? '') !== '') return undefined;
  return (
    `--workers ${count} needs Redis (REDIS_URL): the workers share their state (limits, keys' health, usage, ` +
    'the request log, threads, events, settings) through it. Without Redis the store is SQLite in the data directory, ' +
    'which a single process may open (a second one exits 78), and the memory store (SWITCHBOARD_STORE=memory) is ' +
    "each process's own, so workers would count limits and usage apart. Set REDIS_URL, or run one worker."
  );
}

/** True in a worker started by `superviseWorkers`. */
export const isWorker = (): boolean => cluster.isWorker;

/**
 * In a worker: what `serve` would print goes to the primary (which prints the first worker's once, not N times), and
 * the primary's commands stop or reload the gateway. `stop(now)` is the worker's own stop (also run by its signals).
 */
export function workerHost(host: CliHost): CliHost {
  // Messages go out asynchronously: an exit waits for them, or a start failure's message would be lost.
  let sent = Promise.resolve();
  const send = (report: WorkerReport) => {
    sent = sent.then(() => new Promise<void>((resolve) => void process.send?.(report, undefined, {}, () => resolve())));
  };
  return {
    ...host,
    stdout: { write: (text: string) => send({ type: 'switchboard:output', stdout: text, stderr: '' }) },
    stderr: { write: (text: string) => send({ type: 'switchboard:output', stdout: '', stderr: text }) },
    exit: (code) => void sent.then(() => host.exit(code)),
  };
}

/** Wires a worker's stop and reload to the primary's commands, and stops it when the primary is gone. */
export function obeyPrimary(stop: (now: boolean) => void, reload: () => void): void {
  process.on('message', (message: unknown) => {
    if (message === 'stop') stop(false);
    else if (message === 'close') stop(true);
    else if (message === 'reload') reload();
  });
  process.on('disconnect', () => stop(false));
}

/** In the primary: starts `count` workers and supervises them until they have all stopped (then exits the process). */
export function superviseWorkers(count: number, host: CliHost): void {
  /** The workers alive, and whether each has said it serves. */
  const live = new Map<Worker, { up: boolean }>();
  const crashes: number[] = [];
  const printed = new Set<string>();
  let servedOnce = false;
  let stopping = 0;
  let exitCode = 0;

  // A worker that serves gets the command; one still starting has no gateway to stop yet, and SIGTERM ends it.
  const command = (what: PrimaryCommand) => {
    for (const [worker, state] of live) {
      if (state.up && worker.isConnected()) worker.send(what);
      else if (what !== 'reload') worker.process.kill('SIGTERM');
    }
  };
  const exitWhenDone = () => {
    if (live.size === 0) host.exit(exitCode);
  };
  const start = () => {
    const worker = cluster.fork();
    const state = { up: false };
    live.set(worker, state);
    worker.on('message', (message: WorkerReport) => {
      if (message?.type !== 'switchboard:output') return;
      // Every worker says the same on start: print it once (a replacement's own failure is new text, so it shows).
      if (message.stderr !== '' && !printed.has(message.stderr)) {
        printed.add(message.stderr);
        host.stderr.write(message.stderr);
      }
      if (message.stdout === '' || state.up) return;
      state.up = true;
      if (servedOnce) {
        host.stderr.write(`switchboard: worker ${worker.process.pid} serving\n`);
        return;
      }
      const up = [...live].filter(([, s]) => s.up);
      if (up.length === 1) host.stdout.write(message.stdout);
      if (up.length < count) return;
      servedOnce = true;
      host.stdout.write(`Switchboard: ${count} workers (pids ${up.map(([w]) => w.process.pid).join(', ')})\n`);
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      if (stopping > 0) {
        if (code !== 0 && exitCode === 0) exitCode = 1;
        return exitWhenDone();
      }
      // A worker that fails before all have started: the setup is wrong for all of them (a bad config, Redis down).
      // Stop the others and exit as one `serve` would, rather than restart in a loop.
      if (!servedOnce) {
        stopping = 1;
        exitCode = code === 0 || code === null ? EXIT_SOFTWARE : code;
        command('close');
        return exitWhenDone();
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - RESTART_WINDOW_MS) crashes.shift();
      const delay = Math.min(RESTART_MIN_MS * 2 ** (crashes.length - 1), RESTART_MAX_MS);
      host.stderr.write(
        `switchboard: worker ${worker.process.pid} exited (${signal ?? code}); starting another in ${delay} ms\n`,
      );
      setTimeout(() => {
        if (stopping === 0) start();
      }, delay);
    });
  };

  // A first signal stops the workers gracefully, a second one at once (as `serve` alone does). Sent as commands, not
  // signals: a terminal's Ctrl-C or a service manager's stop reaches the whole process group, so each worker may also
  // get the signal itself, and the command must not count as a second one.
  const stop = () => {
    stopping += 1;
    command(stopping === 1 ? 'stop' : 'close');
    exitWhenDone();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', () => command('reload'));
  // Workers start with the primary's node options (cluster's default) and the serve options it was started without.
  cluster.setupPrimary({ execArgv: withServeOptions(process.execArgv, host.env['NODE_OPTIONS']) });
  for (let i = 0; i < count; i += 1) start();
}
