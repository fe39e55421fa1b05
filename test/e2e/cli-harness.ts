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
}

/**
 * The file's CLI runner: `run(args, until, env, cwd, input)` resolves with the output once `until` matches, or when
 * the process exits; `input` is piped to its stdin (which is then closed). Processes still running after the file's
 * tests are stopped.
 */
export function useCli(): (
  args: string[],
  until: RegExp,
  env?: Record<string, string>,
  cwd?: string,
  input?: string,
) => Promise<CliRun> {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });
  return (args, until, env = {}, cwd = mkdtempSync(join(tmpdir(), 'sb-cli-')), input = undefined) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    children.push(child);
    if (input !== undefined) child.stdin.end(input);
    return new Promise((resolve) => {
      let out = '';
      const onData = (data: Buffer) => {
        out += data.toString();
        if (until.test(out)) resolve({ out, code: null });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('close', (code) => resolve({ out, code }));
    });
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
