// End to end: the bandit's arm counts live in the shared stats store, not in one process. Two instances on the test
// Redis: an answer judged on A moves the arm B explains, and the counts are fields of the model's Redis hash. On the
// SQLite default (no Redis): the counts survive a restart on the same data directory.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main.js';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
import { tempDataDir } from './accounts-harness.js';
import {
  fakeModel,
  redisEnv,
  startTestGateway,
  startThreeProtocols,
  type TestGateway,
  type ThreeProtocols,
} from './harness.js';

const QUESTION = [{ role: 'user' as const, content: 'hello there, how are you today?' }];
const ANSWER = 'I am well, thank you for asking. How can I help you today?';
// The bandit is on by default; a strong prior keeps alpha first whatever the draws, so the test knows who answers.
const CONFIG = { routing: { bandit: { priorStrength: 400, seed: 3 } }, accounts: { breakerMinCalls: 1_000 } };

let fakes: ThreeProtocols;
let providers: ProviderEntry[];
beforeAll(async () => {
  fakes = await startThreeProtocols();
  const quality: Record<string, number> = { alpha: 0.9, beta: 0.6, gamma: 0.5 };
  providers = fakes.providers.map((p) => ({
    ...p,
    models: [fakeModel(`${p.id}-chat`, { quality: quality[p.id]!, speed: 0.8 })],
  })) as ProviderEntry[];
  fakes.alpha.setFallback({ type: 'text', text: ANSWER });
});
afterAll(() => fakes?.closeAll());

async function alphaArm(gw: TestGateway) {
  const res = await fetch(`${gw.url}/v1/routing/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: QUESTION }),
  });
  expect(res.status).toBe(200);
  const plan = (await res.json()) as RoutingExplanation;
  return plan.candidates.find((c) => c.model === 'alpha/alpha-chat')!.bandit!;
}

async function judgedAnswer(gw: TestGateway): Promise<void> {
  const { response } = await gw.client.chat.completions.create({ model: 'auto', messages: QUESTION }).withResponse();
  expect(response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');
}

describe('the bandit across instances on Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = redisEnv('bandit');
    a = await startTestGateway({ providers, ...CONFIG }, createLogger('silent'), env);
    b = await startTestGateway({ providers, ...CONFIG }, createLogger('silent'), env);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('shows on instance B the evidence of an answer judged on instance A, kept in the model hash in Redis', async () => {
    expect(await alphaArm(b)).toMatchObject({ good: 0, bad: 0, evidence: 0 });
    await judgedAnswer(a);
    const onA = await alphaArm(a);
    expect(onA.evidence).toBeCloseTo(1, 9);
    // B made no call: it knows of the answer only through the store, refreshed every second.
    await expect.poll(async () => (await alphaArm(b)).evidence, { timeout: 5_000 }).toBeGreaterThan(0);
    const onB = await alphaArm(b);
    expect(onB.good).toBeCloseTo(onA.good, 9);
    expect(onB.bad).toBeCloseTo(onA.bad, 9);

    const redis = new Redis(env['REDIS_URL']!);
    try {
      const keys = await redis.keys(`${env['SWITCHBOARD_REDIS_PREFIX']}*`);
      const hashes: Array<Record<string, string>> = await Promise.all(
        keys.map(async (key) => ((await redis.type(key)) === 'hash' ? redis.hgetall(key) : {})),
      );
      const arm = hashes.find((hash) => hash['arm:chat:good'] !== undefined);
      expect(Number(arm?.['arm:chat:good'])).toBeCloseTo(onA.good, 9);
      expect(Number(arm?.['arm:chat:bad'])).toBeCloseTo(onA.bad, 9);
    } finally {
      redis.disconnect();
    }
  });
});

describe('the bandit on the SQLite default', () => {
  it('keeps the arm counts through a restart on the same data directory', async () => {
    const env = { SWITCHBOARD_DATA_DIR: tempDataDir('bandit-sqlite') };
    const first = await startTestGateway({ providers, ...CONFIG }, createLogger('silent'), env);
    let before: Awaited<ReturnType<typeof alphaArm>>;
    try {
      await judgedAnswer(first);
      before = await alphaArm(first);
      expect(before.evidence).toBeCloseTo(1, 9);
    } finally {
      await first.close();
    }
    const second = await startTestGateway({ providers, ...CONFIG }, createLogger('silent'), env);
    try {
      const after = await alphaArm(second);
      expect(after.good).toBeCloseTo(before.good, 9);
      expect(after.bad).toBeCloseTo(before.bad, 9);
    } finally {
      await second.close();
    }
  });
});
