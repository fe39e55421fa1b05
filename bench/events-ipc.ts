// Child processes of the live-events benchmark, spoken to over IPC: each command carries an id, its reply the same id;
// a child says `{ type: 'ready', ... }` once, when it can take commands.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A command as the caller writes it: without its id. */
export type Command<C> = C extends { id: number } ? Omit<C, 'id'> : never;

export interface IpcChild<C, R> {
  pid: number;
  /** The message the child sent when it was ready. */
  ready: R;
  call(command: Command<C>, timeoutMs: number): Promise<R>;
  logTail(): string;
  kill(): void;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `node --import tsx script ...args` (through `taskset -c cores` when given) and waits for its `ready`. */
export async function spawnIpc<C, R extends { type: string }>(
  label: string,
  script: string,
  cores: string | undefined,
  scriptArgs: string[] = [],
): Promise<IpcChild<C, R>> {
  const nodeArgs = ['--import', 'tsx', script, ...scriptArgs];
  const [cmd, args] = cores ? ['taskset', ['-c', cores, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(proc);
  const lines: string[] = [];
  const keep = (buf: Buffer): void => {
    lines.push(...buf.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const waiting = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  proc.on('exit', (code, signal) => {
    exited = true;
    children.delete(proc);
    for (const w of waiting.values())
      w.reject(new Error(`${label} exited (${code ?? signal})\n${lines.slice(-15).join('\n')}`));
    waiting.clear();
  });
  const ready = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} not ready within 30 s\n${lines.join('\n')}`)), 30_000);
    proc.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${label} exited before it was ready\n${lines.join('\n')}`));
    });
    proc.on('message', (raw) => {
      const message = raw as R & { id?: number };
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const w = message.id === undefined ? undefined : waiting.get(message.id);
      if (w === undefined) return;
      waiting.delete(message.id!);
      if (message.type === 'failed')
        w.reject(new Error(`${label}: ${(message as unknown as { message: string }).message}`));
      else w.resolve(message);
    });
  });
  const kill = (): void => void proc.kill('SIGKILL');
  let readyMessage: R;
  try {
    readyMessage = await ready;
  } catch (err) {
    kill();
    throw err;
  }
  return {
    pid: proc.pid ?? -1,
    ready: readyMessage,
    logTail: () => lines.slice(-15).join('\n'),
    kill,
    call(command, timeoutMs) {
      if (exited) return Promise.reject(new Error(`${label} has exited`));
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(
            new Error(`${label}: no answer to ${(command as unknown as { type: string }).type} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiting.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc.send({ ...command, id });
      });
    },
  };
}

/** The reply, checked to be of the expected type. */
export function expect<R extends { type: string }, T extends R['type']>(reply: R, type: T): Extract<R, { type: T }> {
  if (reply.type !== type) throw new Error(`expected ${type}, got ${reply.type}`);
  return reply as Extract<R, { type: T }>;
}
