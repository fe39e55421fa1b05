// The `switchboard` command line as a user runs it, for the CLI e2e files: a child process in a temp directory, or
// (the commands that take a host: serve, vault) the same command run in the test's own process.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll } from 'vitest';
import { serveCommand, type ServeHost } from '../../src/cli/serve.js';
import { vaultCommand } from '../../src/cli/vault.js';
import type { Gateway } from '../../src/main.js';

const CLI = join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
/** The command line that runs `switchboard` from the sources, before its arguments. */
export const CLI_ARGV = [process.execPath, '--import', TSX, CLI];

/** What a run printed (stdout and stderr together), and its exit code (null: still running, `until` matched). */
export interface CliRun {
  out: string;
  code: number | null;
  /** For a run still going: waits until its whole output so far matches `until`, or it exits. */
  more?(until: RegExp): Promise<CliRun>;
}

/**
 * The file's CLI runner: `run(args, until, env, cwd, input)` resolves with the output once `until` matches, or when
 * the process has ended (its last output read); `input` is piped to its stdin, which is then closed (with nothing on
 * it, as from a script, when no input is given); `more(pattern)` waits for later output. Processes still running
 * after the file's tests are stopped.
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
    const child = spawnCli(args, env, cwd);
    children.push(child);
    child.stdin.end(input);
    let out = '';
    let exit: number | null | undefined;
    const waiters = new Set<() => void>();
    const onData = (data: Buffer) => {
      out += data.toString();
      for (const waiter of waiters) waiter();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // 'close', not 'exit': the streams are drained by then, so the last lines printed are in `out`.
    child.on('close', (code) => {
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

/**
 * The file's in-process CLI runner: `run(args, env)` runs `switchboard serve|vault ...` as the process would, in a
 * temp directory with `env` for environment (and a data directory of its own unless `env` names one), and resolves
 * with everything it printed, log lines included, and the code it exited with (null: it is serving). A process costs
 * seconds of start-up on a loaded machine, most of it loading the gateway's modules; here they load once per file.
 * Gateways still serving after the file's tests are closed.
 */
export function useInProcessCli(): (args: string[], env?: Record<string, string>) => Promise<CliRun> {
  const serving: Gateway[] = [];
  afterAll(() => Promise.all(serving.map((gateway) => gateway.close())));
  return async (args, env = {}) => {
    let out = '';
    let code: number | null = null;
    const capture = { write: (text: string) => void (out += text) };
    const host: ServeHost = {
      env: { PATH: process.env['PATH'] ?? '', SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-data-')), ...env },
      cwd: mkdtempSync(join(tmpdir(), 'sb-cli-')),
      stdout: capture,
      stderr: capture,
      log: capture,
      exit: (exitCode) => void (code = exitCode),
      serving: (gateway) => void serving.push(gateway),
    };
    const program = new Command().addCommand(serveCommand(() => host)).addCommand(vaultCommand(() => host));
    await program.parseAsync(args, { from: 'user' });
    return { out, code };
  };
}

/** The CLI as a child process with only PATH and `env` in its environment; stop it yourself (or use useCli). */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'sb-cli-')),
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
}

/**
 * A config file with `yaml` in a temp directory; returns its path. Model discovery is off (as in writeConfigFile), so
 * that no background listing reaches the fake upstreams and shows up among their requests.
 */
export function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'gateway.yaml');
  writeFileSync(file, `discovery: { enabled: false }\n${yaml}`);
  return file;
}

/** A stack trace line, which no message of the CLI may hold. */
export const STACK_LINE = /\n\s+at /;
