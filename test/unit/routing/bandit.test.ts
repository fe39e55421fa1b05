// The router's bandit: Beta draws from a seeded generator, posteriors from the catalog prior and recorded evidence,
// and what that does to traffic: a model that keeps failing on one task loses that task's share and keeps the others.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { ModelConfig, Task } from '../../../src/config/schema.js';
import { armPosterior, sampleBeta, type Bandit } from '../../../src/routing/bandit.js';
import { seededRandom } from '../../../src/routing/seeded-random.js';
import { planRoute } from '../../../src/routing/plan.js';
import { createLiveStats, type LiveStats } from '../../../src/routing/stats.js';
import type { Classification } from '../../../src/routing/types.js';
import { createMemoryStatsStore } from '../../../src/storage/memory/stats.js';
import type { StatsStore } from '../../../src/storage/types.js';

const PRUNING = { minSuccessRate: 0.5, minQuality: 0.4, minSamples: 5, coolDownMs: 300_000 };
const BANDIT = { enabled: true, priorStrength: 10, window: 200 };

const model = (id: string, strengths: Partial<Record<Task, number>>): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 8192,
  quality: 0.7,
  speed: 0.6,
  costPer1M: { input: 0, output: 0 },
  strengths,
});
// flaky leads on both tasks by its prior; steady is close behind.
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'one',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: [model('flaky', { code: 0.85, chat: 0.85 })],
    },
    {
      id: 'two',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:2/v1',
      apiKeys: ['k'],
      models: [model('steady', { code: 0.8, chat: 0.8 })],
    },
  ],
  {},
);
const FLAKY = 'one/flaky';

/** A request of `task` (the classifier is not what is tested here). */
const labelled = (task: Task): Classification => ({
  task,
  query: 'q',
  domain: 'general',
  complexity: 0.3,
  promptChars: 40,
  estimatedTokens: 10,
  promptTokens: () => 10,
  needs: { tools: false, vision: false, json: false, longContext: false },
});

describe('Beta draws and posteriors', () => {
  it('draws the same values from the same seed, other values from another', () => {
    const draws = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => sampleBeta(3, 2, random));
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
  });

  it('draws with the mean and spread of Beta(alpha, beta), for parameters above and below 1', () => {
    const random = seededRandom(1);
    for (const [alpha, beta] of [
      [8, 2],
      [0.5, 0.5],
      [30, 70],
    ] as const) {
      const n = 20_000;
      const values = Array.from({ length: n }, () => sampleBeta(alpha, beta, random));
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      const expected = alpha / (alpha + beta);
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(mean).toBeCloseTo(expected, 2);
      expect(variance).toBeCloseTo((expected * (1 - expected)) / (alpha + beta + 1), 3);
    }
  });

  it('is the prior with no evidence, and the evidence once it outweighs the prior', () => {
    const none = armPosterior(0.9, 10, undefined);
    expect(none).toMatchObject({ alpha: 9, mean: 0.9, good: 0, bad: 0 });
    expect(none.beta).toBeCloseTo(1, 12);
    const many = armPosterior(0.9, 10, { good: 20, bad: 980 });
    expect(many.mean).toBeCloseTo(29 / 1010, 10);
    expect(many.mean).toBeLessThan(0.05);
    // A prior of exactly 1 still makes a Beta.
    expect(armPosterior(1, 10, undefined).beta).toBeGreaterThan(0);
  });
});

describe('Thompson sampling in plans', () => {
  const opened: LiveStats[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stats) => stats.close()));
    vi.restoreAllMocks();
  });
  const live = (store: StatsStore = createMemoryStatsStore(), bandit = BANDIT) => {
    const stats = createLiveStats({ store, pruning: PRUNING, bandit, refreshMs: 0, logger: pino({ level: 'silent' }) });
    opened.push(stats);
    return stats;
  };
  const first = (stats: LiveStats, bandit: Bandit | undefined, task: Task) =>
    planRoute(registry, { model: 'auto', mode: 'balanced' }, labelled(task), {
      stats,
      ...(bandit === undefined ? {} : { bandit }),
    }).candidates[0]!;

  it('moves code traffic off a model that keeps failing on code, and keeps its chat traffic', () => {
    const stats = live();
    const bandit: Bandit = { priorStrength: 10, random: seededRandom(42) };
    const picks: Record<'code' | 'chat', string[]> = { code: [], chat: [] };
    for (let i = 0; i < 600; i += 1) {
      const task = i % 2 === 0 ? 'code' : 'chat';
      const ref = first(stats, bandit, task).model.ref;
      picks[task].push(ref);
      // flaky fails every code call; every other answer is judged good.
      if (ref === FLAKY && task === 'code') stats.recordAnswer(ref, task, 0);
      else stats.recordQuality(ref, 0.9, task);
    }
    const share = (refs: string[]) => refs.filter((ref) => ref === FLAKY).length / refs.length;
    // Its prior makes it first at the start: it is tried on code, and loses code once it has failed there.
    expect(share(picks.code.slice(0, 10))).toBeGreaterThan(0);
    expect(share(picks.code.slice(-200))).toBeLessThan(0.05);
    expect(share(picks.chat.slice(-200))).toBeGreaterThan(0.3);
    // Without the bandit the same evidence leaves flaky first for code: its judged quality is model-wide.
    expect(first(stats, undefined, 'code').model.ref).toBe(FLAKY);
  });

  it('follows the prior with no evidence: the higher prior leads, and a strong prior hardly moves', () => {
    const stats = live();
    const random = seededRandom(3);
    const strong: Bandit = { priorStrength: 10_000, random };
    for (let i = 0; i < 50; i += 1) {
      const top = first(stats, strong, 'code');
      expect(top.model.ref).toBe(FLAKY);
      expect(Math.abs(top.bandit!.sample! - 0.85)).toBeLessThan(0.02);
    }
    const weak: Bandit = { priorStrength: 10, random };
    const flakyFirst = Array.from({ length: 400 }, () => first(stats, weak, 'code').model.ref === FLAKY).filter(
      Boolean,
    );
    // A wide prior explores: the lower prior is drawn first now and then, the higher one most of the time.
    expect(flakyFirst.length).toBeGreaterThan(200);
    expect(flakyFirst.length).toBeLessThan(400);
  });

  it('lets evidence outweigh the prior after many answers; fastest uses the mean and draws nothing', () => {
    const stats = live();
    for (let i = 0; i < 300; i += 1) stats.recordAnswer(FLAKY, 'code', i % 10 === 0 ? 1 : 0);
    const bandit: Bandit = { priorStrength: 10, random: seededRandom(5) };
    const plan = planRoute(registry, { model: 'auto', mode: 'fastest' }, labelled('code'), { stats, bandit });
    const flaky = plan.candidates.find((c) => c.model.ref === FLAKY)!;
    // The window (200) keeps the last answers' worth: 8.5 + 20 good against 1.5 + 180 bad.
    expect(flaky.bandit!.sample).toBeUndefined();
    expect(flaky.bandit!.good + flaky.bandit!.bad).toBeCloseTo(200, 6);
    expect(flaky.bandit!.mean).toBeLessThan(0.2);
    expect(plan.candidates[0]!.model.ref).toBe('two/steady');
    expect(flaky.reasons[0]).toMatch(
      /^quality 0\.1\d? for code \(mean of Beta\(α \d+(\.\d+)?, β \d+(\.\d+)?\), prior 0\.85, evidence /,
    );
  });

  it('draws only when there is a choice: not for a model the client named, a lone candidate, or draws turned off', () => {
    const stats = live();
    const random = vi.fn(seededRandom(9));
    const bandit: Bandit = { priorStrength: 10, random };
    const plan = (route: Parameters<typeof planRoute>[1], context = {}) =>
      planRoute(registry, route, labelled('code'), { stats, bandit, ...context });
    const named = plan({ model: FLAKY, models: ['two/steady'], mode: 'balanced' });
    const alone = plan({ model: 'auto', mode: 'best_quality', allows: (ref) => ref === FLAKY });
    const means = plan({ model: 'auto', mode: 'balanced' }, { bandit: { ...bandit, draws: false } });
    for (const candidates of [named.candidates, alone.candidates, means.candidates]) {
      for (const candidate of candidates) {
        expect(candidate.bandit!.sample).toBeUndefined();
        expect(candidate.reasons[0]).toMatch(/^quality 0\.\d+ for code \(mean of Beta/);
      }
    }
    expect(named.candidates.map((c) => c.model.ref)).toEqual([FLAKY, 'two/steady']);
    expect(alone.candidates.map((c) => c.model.ref)).toEqual([FLAKY]);
    expect(random).not.toHaveBeenCalled();
    // Two candidates for `auto`: each is drawn.
    const drawn = plan({ model: 'auto', mode: 'balanced' });
    expect(drawn.candidates.every((c) => c.bandit!.sample !== undefined)).toBe(true);
    expect(random).toHaveBeenCalled();
  });

  it('records arm evidence in the judge score update itself, and none when the bandit is off', async () => {
    const store = createMemoryStatsStore();
    // Live stats update a store in this process through recordNow: one update for the score and its arm.
    const record = vi.spyOn(store as Required<StatsStore>, 'recordNow');
    const on = live(store);
    on.recordQuality(FLAKY, 0.75, 'code');
    await on.flush();
    expect(record).toHaveBeenCalledTimes(1);
    expect((await store.snapshot()).get(FLAKY)).toMatchObject({
      quality: 0.75,
      qualitySamples: 1,
      arms: { code: { good: 0.75, bad: 0.25 } },
    });
    expect(on.arm!(FLAKY, 'code')).toEqual({ good: 0.75, bad: 0.25 });
    const offStore = createMemoryStatsStore();
    const off = live(offStore, { ...BANDIT, enabled: false });
    off.recordQuality(FLAKY, 0.75, 'code');
    off.recordAnswer(FLAKY, 'code', 0);
    await off.flush();
    expect((await offStore.snapshot()).get(FLAKY)!.arms).toBeUndefined();
  });

  it('reads the evidence other instances recorded once it refreshes from the shared store', async () => {
    const store = createMemoryStatsStore();
    const writer = live(store);
    for (let i = 0; i < 20; i += 1) writer.recordAnswer(FLAKY, 'code', 0);
    await writer.flush();
    const reader = live(store);
    expect(reader.arm!(FLAKY, 'code')).toBeUndefined();
    await reader.refresh();
    expect(reader.arm!(FLAKY, 'code')).toEqual({ good: 0, bad: 20 });
  });
});
