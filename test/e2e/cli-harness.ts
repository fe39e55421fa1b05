// The `switchboard` command line as a user runs it, for the CLI e2e files: a child process in a temp directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const CLI = join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');

/** What a run printed (stdout and stderr together), and its exit code (null: still running, `until` matched). */
export interface CliRun {
  out: string;
  code: number | null;
  /** For a run still going: waits until its whole output so far matches `until`, or it exits. */
  more(until: RegExp): Promise<CliRun>;
}

/**
 * The file's CLI runner: `run(args, until, env, cwd)` resolves with the output once `until` matches, or when the
 * process exits. Processes still running after the file's tests are stopped.
 */
export function useCli(): (
  args: string[],
  until: RegExp,
  env?: Record<string, string>,
  cwd?: string,
) => Promise<CliRun> {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });
  return (args, until, env = {}, cwd = mkdtempSync(join(tmpdir(), 'sb-cli-'))) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    children.push(child);
    // Nothing on stdin, as from a script: commands that read piped input get none and do not wait for it.
    child.stdin.end();
    let out = '';
    let exit: number | null | undefined;
    const waiters = new Set<() => void>();
    const onData = (data: Buffer) => {
      out += data.toString();
      for (const waiter of waiters) waiter();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      exit = code;
      for (const waiter of waiters) waiter();
    });
    const more = (pattern: RegExp) =>
      new Promise<CliRun>((resolve) => {
        const waiter = () => {
          if (exit === undefined && (out === '' || !pattern.test(out))) return;
          waiters.delete(waiter);
          resolve({ out, code: exit ?? null, more });
        };
        waiters.add(waiter);
        waiter();
      });
    return more(until);
  };
}

/** A config file with `yaml` in a temp directory; returns its path. */
export function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'gateway.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A stack trace line, which no message of the CLI may hold. */
export const STACK_LINE = /\n\s+at /;
