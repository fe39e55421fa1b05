// A throwaway redis-server for the live-events benchmark: no persistence, its own temp dir, a free 127.0.0.1 port,
// optionally pinned to a core; its pid is kept so the harness can read its CPU time.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './proc.js';

export interface BenchRedis {
  url: string;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** The redis-server version, or undefined when the binary is not installed. */
export function redisServerVersion(binary = 'redis-server'): string | undefined {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.match(/v=(\S+)/)?.[1] ?? out.trim();
  } catch {
    return undefined;
  }
}

/** Starts redis-server (through `taskset -c cores` when given); resolves once it accepts connections (10 s at most). */
export async function startBenchRedis(cores?: string, binary = 'redis-server'): Promise<BenchRedis> {
  const version = redisServerVersion(binary);
  if (version === undefined) throw new Error(`${binary} is not installed`);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-redis-'));
  const port = await freePort();
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
  const [cmd, argv] = cores ? ['taskset', ['-c', cores, binary, ...args]] : [binary, args];
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${output}`));
      });
    });
  } catch (err) {
    kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Keep draining its output (it logs little), without holding on to it.
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    version,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 5_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
