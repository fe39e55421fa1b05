// A gateway as a user runs it, `switchboard serve` in a child process, for tests that stop it (SIGTERM) or kill it
// (SIGKILL) and start it again on the same data directory; and helpers those tests share.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { call } from './accounts-harness.js';

const CLI = path.join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
/** How long a start may take: tsx compiles the whole gateway on each start, slowly on a loaded machine. */
const START_TIMEOUT_MS = 30_000;

/** A running `switchboard serve`. */
export interface GatewayProcess {
  /** e.g. http://127.0.0.1:PORT (no /v1). */
  url: string;
  /** Sends `signal` (one that does not stop it: SIGHUP) and returns at once. */
  signal(signal: 'SIGHUP'): void;
  /** Sends `signal` and resolves once the process has exited, with how it ended. */
  stop(signal: 'SIGTERM' | 'SIGINT' | 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/**
 * Writes `config` (the shape of switchboard.yaml) to a file of its own and returns the path. Model discovery is off
 * unless `config` turns it on: a background listing of the fakes would add their models to the test's catalog.
 */
export function writeConfigFile(config: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-proc-cfg-')), 'switchboard.yaml');
  writeFileSync(file, stringify({ discovery: { enabled: false }, ...config }));
  return file;
}

/**
 * Registers an afterAll that kills whatever gateway process a test left running, and returns the function that
 * starts one: `switchboard serve --config <file>` on a free 127.0.0.1 port, with `env` as its whole environment
 * (besides PATH: no REDIS_URL, no developer keys), in a temp working directory, node given `nodeArgs` first (V8 flags).
 * Resolves once it listens.
 */
export function useGatewayProcesses(): (
  configFile: string,
  env: Record<string, string>,
  nodeArgs?: readonly string[],
) => Promise<GatewayProcess> {
  const live = new Set<ChildProcess>();
  afterAll(() => {
    for (const child of live) child.kill('SIGKILL');
  });
  return (configFile, env, nodeArgs = []) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--import', TSX, CLI, 'serve', '--config', configFile, '--port', '0', '--host', '127.0.0.1'],
      { cwd: mkdtempSync(path.join(tmpdir(), 'sb-proc-cwd-')), env: { PATH: process.env['PATH'] ?? '', ...env } },
    );
    live.add(child);
    let out = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      }),
    );
    return new Promise<GatewayProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`switchboard serve did not start in time:\n${out}`));
      }, START_TIMEOUT_MS);
      const onData = (data: Buffer) => {
        out += data.toString();
        const url = /listening on (http:\/\/\S+)\/v1/.exec(out)?.[1];
        if (url === undefined) return;
        clearTimeout(timer);
        resolve({
          url,
          output: () => out,
          signal: (signal) => void child.kill(signal),
          stop(signal) {
            child.kill(signal);
            return exited;
          },
        });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`switchboard serve exited (${code ?? signal}) before listening:\n${out}`));
      });
    });
  };
}

/** The chat requests (model-list probes left out) a fake upstream received. */
export function chatRequests(fake: FakeUpstream): number {
  return fake.requests.filter((request) => request.method === 'POST').length;
}

/** `GET /v1/usage?group_by=…` as `{ group: requests }`, read with `token`. */
export async function usageBy(url: string, groupBy: string, token: string): Promise<Record<string, number>> {
  const answer = await call(url, 'GET', `/v1/usage?group_by=${groupBy}`, token);
  if (answer.status !== 200) throw new Error(`GET /v1/usage: ${answer.status} ${JSON.stringify(answer.body)}`);
  const groups = answer.body.groups as Array<{ key: string; requests: number }>;
  return Object.fromEntries(groups.map((group) => [group.key, group.requests]));
}

/** `GET /v1/requests` (filtered by `query`, e.g. `client=…`) as [route, client, model used, status], newest first. */
export async function requestLog(url: string, token: string, query = ''): Promise<unknown[][]> {
  const answer = await call(url, 'GET', `/v1/requests${query === '' ? '' : `?${query}`}`, token);
  if (answer.status !== 200) throw new Error(`GET /v1/requests: ${answer.status} ${JSON.stringify(answer.body)}`);
  const rows = answer.body.data as Array<Record<string, unknown>>;
  return rows.map((row) => [row['route'], row['client'], row['model_used'], row['status']]);
}

/** A candidate of `POST /v1/routing/explain`: where the router's live stats show (success rate, speed, scores). */
export interface ExplainedCandidate {
  model: string;
  score: number;
  reasons: string[];
}

/** The router's plan for a plain `auto` chat request, as `POST /v1/routing/explain` shows it to `token`. */
export async function explainAuto(url: string, token: string): Promise<ExplainedCandidate[]> {
  const body = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
  const answer = await call(url, 'POST', '/v1/routing/explain', token, body);
  if (answer.status !== 200) throw new Error(`explain: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.candidates as ExplainedCandidate[];
}

/** Calls `read` every 20 ms until `done` holds of its answer (then resolves that answer); throws after `timeoutMs`. */
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
