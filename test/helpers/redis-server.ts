// Starts a throwaway redis-server (no persistence, its own temp dir, a free port on 127.0.0.1) and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server. */
export interface RedisServer {
  /** e.g. redis://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Freezes the server (SIGSTOP): connections stay open, commands get no answer, as across a network partition. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

/** What a test run says when the binary is missing: the Redis tests fail with this, never skip. */
const REDIS_SERVER_MISSING =
  'redis-server is not installed, and the Redis tests need it: install it (Debian: apt-get install redis-server; CI does this in .ci/run)';

/** Options of startRedisServer. */
export interface RedisServerOptions {
  binary?: string;
  /** The port to listen on (a server stopped and started again on its port: an outage, or a restart empty). */
  port?: number;
}

/**
 * Starts redis-server on `port`, or on a free port (retrying on another one if the one picked was taken meanwhile).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server';
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = options.port ?? (await freePort());
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      '',
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await ready(child);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
        stop: () => stop(child, dir),
      };
    } catch (err) {
      lastError = err;
      child.kill('SIGKILL');
      if ((err instanceof Error && err.message === REDIS_SERVER_MISSING) || options.port !== undefined) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/** Resolves when the server logs that it accepts connections; rejects if it exits or does not start in 10 s. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.removeAllListeners('exit');
      if (err) reject(err);
      else resolve();
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) done();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ENOENT' ? new Error(REDIS_SERVER_MISSING) : err),
    );
    child.once('exit', (code) => done(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dir, { recursive: true, force: true });
}

/** A port that was free a moment ago (the caller retries if another process takes it first). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
