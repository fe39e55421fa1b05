// Starts a real gateway on a free 127.0.0.1 port, in front of fake upstreams, with the official openai client pointed
// at it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load.js';
import type { ProviderEntry } from '../../src/config/schema.js';
import { createLogger, startGateway, type Gateway } from '../../src/main.js';
import { startAnthropicUpstream } from '../fakes/anthropic-wire.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_TEXT, type FakeReply, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startGeminiUpstream } from '../fakes/gemini-wire.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';

export interface TestGateway {
  gateway: Gateway;
  client: OpenAI;
  /** The gateway's base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/** A model entry for a fake provider: chat, code, tools and JSON, 32k context. */
export function fakeModel(
  id: string,
  extra: Partial<ProviderEntry['models'] extends (infer M)[] | undefined ? M : never> = {},
) {
  return {
    id,
    capabilities: ['chat', 'code', 'tools', 'json'],
    contextWindow: 32_768,
    quality: 0.7,
    speed: 0.8,
    ...extra,
  };
}

/**
 * `env` is the gateway's whole environment (empty by default: no catalog provider turns on from the developer's keys).
 */
export async function startTestGateway(
  config: Record<string, unknown>,
  logger = createLogger('silent'),
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const parsed = parseConfig(
    {
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
      timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000 },
      // Off unless a test asks: a background listing of the fakes would add their models to every test's catalog.
      discovery: { enabled: false },
      ...config,
    },
    'test',
  );
  // A data directory of its own unless the test gives one: the default (./.switchboard) would be shared by every test.
  // A test that gives none (nor Redis) gets the memory stores: fast, and nothing it does outlives it; one that gives a
  // data directory gets the default, SQLite in that directory (unless it chooses with SWITCHBOARD_STORE).
  const given = env['SWITCHBOARD_DATA_DIR'];
  const dataDir = given ?? mkdtempSync(path.join(tmpdir(), 'sb-data-'));
  const memory = given === undefined && !env['REDIS_URL'] && env['SWITCHBOARD_STORE'] === undefined;
  const store = memory ? { SWITCHBOARD_STORE: 'memory' } : {};
  const gatewayEnv = { ...store, ...env, SWITCHBOARD_DATA_DIR: dataDir };
  const gateway = await startGateway({ config: parsed, env: gatewayEnv, logger });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-test-client', maxRetries: 0, timeout: 15_000 });
  return { gateway, client, url: gateway.url, close: () => gateway.close() };
}

/**
 * The environment of gateway instances on the test Redis, with a key prefix of their own: instances given the same
 * env share everything (threads, events, limits, keys); other test files never see their keys.
 */
export function redisEnv(label: string): Record<string, string> {
  return { REDIS_URL: testRedisUrl(), SWITCHBOARD_REDIS_PREFIX: uniqueKeyPrefix(label) };
}

export interface ThreeProtocols {
  alpha: FakeUpstream;
  beta: FakeUpstream;
  gamma: FakeUpstream;
  providers: ProviderEntry[];
  closeAll(): Promise<void>;
}

/** Three fake upstreams: alpha speaks OpenAI, beta Anthropic, gamma Gemini; each serves one model. */
export async function startThreeProtocols(): Promise<ThreeProtocols> {
  const [alpha, beta, gamma] = await Promise.all([
    startOpenAIUpstream(),
    startAnthropicUpstream(),
    startGeminiUpstream(),
  ]);
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat', { quality: 0.9 })],
    },
    {
      id: 'beta',
      protocol: 'anthropic',
      baseUrl: beta.baseUrl,
      apiKeys: ['beta-key'],
      models: [fakeModel('beta-chat', { quality: 0.8 })],
    },
    {
      id: 'gamma',
      protocol: 'gemini',
      baseUrl: gamma.baseUrl,
      apiKeys: ['gamma-key'],
      models: [fakeModel('gamma-chat', { quality: 0.7 })],
    },
  ] as ProviderEntry[];
  return {
    alpha,
    beta,
    gamma,
    providers,
    closeAll: async () => void (await Promise.all([alpha.close(), beta.close(), gamma.close()])),
  };
}

/** Polls until `check` holds or the time is up; for effects that happen after a response (upstream aborts). */
export async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** What {@link useThreeProtocolGateway} gives each test. */
export interface ChatFixture {
  fakes: ThreeProtocols;
  gw: TestGateway;
}

/**
 * Registers the hooks of a chat test file: the three fake upstreams of {@link startThreeProtocols} and one gateway in
 * front of them (`config` adds to its providers; the bandit and balanced's steering by complexity are off unless it
 * sets `routing.bandit` or `routing.complexity`). Before each test the upstreams forget their requests and answer
 * `fallback` (default: the fake's own short text) when nothing is queued. Read the fields inside tests or hooks.
 */
export function useThreeProtocolGateway(config: Record<string, unknown> = {}, fallback?: FakeReply): ChatFixture {
  const fixture = {} as ChatFixture;
  beforeAll(async () => {
    fixture.fakes = await startThreeProtocols();
  });
  afterAll(async () => {
    await fixture.fakes?.closeAll();
  });
  // A gateway per test: key health, limits and circuits a test leaves behind would steer the next one.
  beforeEach(async () => {
    const { alpha, beta, gamma } = fixture.fakes;
    for (const fake of [alpha, beta, gamma]) {
      fake.requests.length = 0;
      fake.setFallback(fallback ?? { type: 'text', text: DEFAULT_TEXT });
    }
    // `auto` ranks alpha, beta, gamma (quality 0.9, 0.8, 0.7), which the tests of this fixture rely on: the bandit (on
    // by default) would draw beta first now and then, and balanced's steering would weigh the speed a model has shown
    // more on an easy prompt, narrowing those 0.1 gaps; unless the test's config asks for them.
    const routing = {
      bandit: { enabled: false },
      complexity: { span: 0 },
      ...(config['routing'] as Record<string, unknown> | undefined),
    };
    fixture.gw = await startTestGateway({ providers: fixture.fakes.providers, ...config, routing });
  });
  afterEach(async () => {
    await fixture.gw?.close();
  });
  return fixture;
}
