// End to end through a real `switchboard serve` process with V8's map log on: once warm, a chat request makes no
// hidden classes (V8 "maps") of its own. On Node 20 an object literal that adds fields after a spread (`{ ...a, b }`)
// gets a new, unshared hidden class at every call, which V8 logs as a transition from a detached map ("prototype").
// Such a literal on the request path cost 10-20 % of the gateway's CPU per request (docs/BENCHMARKS.md, "Hidden
// classes made per request"). Counts only: no timing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, startThreeProtocols, type ThreeProtocols } from './harness.js';
import { withResponseHeaders } from './keys-harness.js';
import { useGatewayProcesses, writeConfigFile } from './process-harness.js';
import { testConfig } from './settings-harness.js';

const start = useGatewayProcesses();
/** Requests per phase, a warm-up and then the counted one: a multiple of the kinds' count (40). */
const PHASE = 720;
/**
 * At most this many detached-map transitions per counted request (17.5 per request before the fix). Not yet zero: in
 * this mix a request that names `models` makes one, at `model_quality` (where zod's compiled parser builds its output),
 * 0.2 per request. The built gateway sent only such requests makes none; the cause is not found yet.
 */
const MOST_PER_REQUEST = 0.5;

let fakes: ThreeProtocols;
/** alpha's answers with OpenAI's rate-limit headers added (each answer's are read into the key's quota). */
let limited: { baseUrl: string; close(): Promise<void> };
let failing: FakeUpstream;
beforeAll(async () => {
  fakes = await startThreeProtocols();
  failing = await startOpenAIUpstream();
  failing.setFallback({ type: 'error', status: 503, message: 'overloaded' });
  limited = await withResponseHeaders(fakes.alpha, () => ({
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '8.64s',
    'x-ratelimit-limit-tokens': '1000000',
    'x-ratelimit-remaining-tokens': '999000',
    'x-ratelimit-reset-tokens': '6m0s',
  }));
});
afterAll(async () => {
  await limited?.close();
  await failing?.close();
  await fakes?.closeAll();
});

/**
 * The requests sent in turn: each door, to each upstream protocol and to `auto`, whole and streamed; a cached chat
 * (a hit after the first), and a chat whose `models` start with the failing upstream (the fallback).
 */
const KINDS: Array<{
  path: string;
  body: (text: string) => Record<string, unknown>;
  headers?: Record<string, string>;
}> = [];
for (const model of ['alpha/alpha-chat', 'beta/beta-chat', 'gamma/gamma-chat', 'auto']) {
  for (const stream of [false, true]) {
    KINDS.push(
      {
        path: '/v1/chat/completions',
        body: (text) => ({ model, stream, messages: [{ role: 'user', content: text }] }),
      },
      {
        path: '/v1/messages',
        body: (text) => ({ model, stream, max_tokens: 64, messages: [{ role: 'user', content: text }] }),
      },
      { path: '/v1/responses', body: (text) => ({ model, stream, input: text, store: false }) },
      {
        path: '/v1/chat/completions',
        headers: { 'x-switchboard-cache': 'on' },
        body: () => ({ model, stream, messages: [{ role: 'user', content: 'Say hello from the cache.' }] }),
      },
      {
        path: '/v1/chat/completions',
        body: (text) => ({
          models: ['delta/delta-chat', model === 'auto' ? 'alpha/alpha-chat' : model],
          model: 'auto',
          stream,
          messages: [{ role: 'user', content: text }],
        }),
      },
    );
  }
}

/** `count` requests, four at a time, each read to its end; throws on any answer but 200. */
async function traffic(url: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const kind = KINDS[i % KINDS.length]!;
      const res = await fetch(`${url}${kind.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...kind.headers },
        body: JSON.stringify(kind.body(`Say hello, ${i}.`)),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${kind.path} request ${i}: ${res.status} ${text}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** Transitions from a detached map in the log so far, by where they were made (`line:column property`). */
function detachedTransitions(log: string): Map<string, number> {
  const sites = new Map<string, number>();
  for (const line of readFileSync(log, 'latin1').split('\n')) {
    // map,Transition,time,from,to,pc,line,column,reason,name
    if (!line.startsWith('map,Transition,')) continue;
    const fields = line.split(',');
    if (fields[8] !== 'prototype') continue;
    const site = `${fields[6]}:${fields[7]} ${fields.slice(9).join(',')}`;
    sites.set(site, (sites.get(site) ?? 0) + 1);
  }
  return sites;
}

// A start compiles the whole gateway (tsx): up to START_TIMEOUT_MS on a loaded machine, beyond the default 20 s.
describe('hidden classes on the request path', { timeout: 90_000 }, () => {
  it('are made while the gateway warms up, not per request after', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-maps-'));
    const log = path.join(dir, 'maps.log');
    // alpha with token limits of its own too: every answer corrects the token windows the request reserved.
    const providers: ProviderEntry[] = [
      ...fakes.providers.map((provider) =>
        provider.id === 'alpha' ? { ...provider, baseUrl: limited.baseUrl, limits: { tpm: 10_000_000 } } : provider,
      ),
      {
        id: 'delta',
        protocol: 'openai',
        baseUrl: failing.baseUrl,
        apiKeys: ['delta-key'],
        models: [fakeModel('delta-chat')],
      } as ProviderEntry,
    ];
    const file = writeConfigFile(testConfig({ logLevel: 'warn', providers }));
    const gateway = await start(file, { SWITCHBOARD_DATA_DIR: path.join(dir, 'data') }, [
      '--log-maps',
      '--no-log-maps-details',
      `--logfile=${log}`,
      '--no-logfile-per-isolate',
    ]);
    await traffic(gateway.url, PHASE);
    const warm = detachedTransitions(log);
    await traffic(gateway.url, PHASE);
    expect(await gateway.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const after = detachedTransitions(log);

    // The sites that made maps during the counted phase, most first, for the failure message.
    const made = [...after]
      .map(([site, count]) => [site, count - (warm.get(site) ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1]);
    const perRequest = made.reduce((sum, [, count]) => sum + count, 0) / PHASE;
    expect(perRequest, `maps made per request, by site: ${JSON.stringify(made.slice(0, 12))}`).toBeLessThanOrEqual(
      MOST_PER_REQUEST,
    );
    // The gateway really served both phases: every request but the cached ones reached an upstream that answers.
    const { alpha, beta, gamma } = fakes;
    const uncached = (2 * PHASE * KINDS.filter((kind) => kind.headers === undefined).length) / KINDS.length;
    expect(alpha.requests.length + beta.requests.length + gamma.requests.length).toBeGreaterThanOrEqual(uncached);
    expect(failing.requests.length).toBeGreaterThan(0);
  });
});
