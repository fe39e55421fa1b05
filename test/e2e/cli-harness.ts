// The `switchboard` command line as a user runs it, for the CLI e2e files: a child process in a temp directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const CLI = join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
/** The command line that runs `switchboard` from the sources, before its arguments. */
export const CLI_ARGV = [process.execPath, '--import', TSX, CLI];

/** What a run printed (stdout and stderr together), and its exit code (null: still running, `until` matched). */
export interface CliRun {
  out: string;
  code: number | null;
}

/**
 * The file's CLI runner: `run(args, until, env, cwd, stdin)` resolves with the output once `until` matches, or when
 * the process exits. `stdin`, when given, is written to the process's stdin, which is then closed (left open
 * otherwise). Processes still running after the file's tests are stopped.
 */
export function useCli(): (
  args: string[],
  until: RegExp,
  env?: Record<string, string>,
  cwd?: string,
  stdin?: string,
) => Promise<CliRun> {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });
  return (args, until, env = {}, cwd = mkdtempSync(join(tmpdir(), 'sb-cli-')), stdin = undefined) => {
    const child = spawn(CLI_ARGV[0]!, [...CLI_ARGV.slice(1), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    children.push(child);
    if (stdin !== undefined) child.stdin.end(stdin);
    return new Promise((resolve) => {
      let out = '';
      const onData = (data: Buffer) => {
        out += data.toString();
        if (until.test(out)) resolve({ out, code: null });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => resolve({ out, code }));
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
