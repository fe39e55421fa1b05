// Complexity that learns from outcomes: the prior blended with weak models' evidence on the prompt's cluster.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { RoutingSchema } from '../../../src/config/routing-schema.js';
import type { ModelConfig } from '../../../src/config/schema.js';
import { blendComplexity, clusterOf, learnComplexity } from '../../../src/routing/learned-complexity.js';
import { createLiveStats, type LiveStats } from '../../../src/routing/stats.js';
import type { Classification } from '../../../src/routing/types.js';
import { createMemoryStatsStore } from '../../../src/storage/memory/stats.js';
import { recordClusterEvidence } from '../../../graphs/chat/outcome-record.js';
import type { ChatOutcome } from '../../../graphs/chat/context.js';

const CONFIG = RoutingSchema.parse({}).complexity;
const PRUNING = { minSuccessRate: 0.5, minQuality: 0.4, minSamples: 5, coolDownMs: 300_000 };

const model = (id: string, quality: number): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 8192,
  quality,
  speed: 0.6,
  costPer1M: { input: 0, output: 0 },
});
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'p',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: [model('weak', 0.6), model('strong', 0.9)],
    },
  ],
  {},
);

const classification = (complexity: number): Classification => ({
  task: 'code',
  query: 'q',
  domain: 'general',
  complexity,
  promptChars: 40,
  estimatedTokens: 10,
  promptTokens: () => 10,
  needs: { tools: false, vision: false, json: false, longContext: false },
});

describe('blendComplexity', () => {
  it('is the prior, exactly, with no evidence', () => {
    for (const prior of [0, 0.123, 0.7, 1]) {
      expect(blendComplexity(prior, undefined, 10)).toBe(prior);
      expect(blendComplexity(prior, { good: 0, bad: 0 }, 10)).toBe(prior);
    }
  });

  it('is the Beta posterior mean of a weak shortfall: (k·prior + bad) / (k + good + bad)', () => {
    expect(blendComplexity(0.2, { good: 2, bad: 8 }, 10)).toBe(0.5); // (2 + 8) / 20
    expect(blendComplexity(0.2, { good: 10, bad: 0 }, 10)).toBe(0.1); // 2 / 20
  });

  it('rises toward 1 when weak models keep failing, falls toward 0 when they keep succeeding', () => {
    expect(blendComplexity(0.3, { good: 0, bad: 200 }, 10)).toBeGreaterThan(0.95);
    expect(blendComplexity(0.7, { good: 200, bad: 0 }, 10)).toBeLessThan(0.05);
  });
});

describe('clusterOf', () => {
  it('buckets the prior in thirds under the task', () => {
    expect(clusterOf('code', 0)).toBe('code__easy');
    expect(clusterOf('code', 0.5)).toBe('code__medium');
    expect(clusterOf('creative_writing', 0.99)).toBe('creative_writing__hard');
    expect(clusterOf('math', 1)).toBe('math__hard');
  });
});

describe('learnComplexity over live stats', () => {
  const opened: LiveStats[] = [];
  afterEach(async () => void (await Promise.all(opened.splice(0).map((stats) => stats.close()))));
  const live = (config = CONFIG) => {
    const stats = createLiveStats({
      store: createMemoryStatsStore(),
      pruning: PRUNING,
      complexity: config,
      refreshMs: 0,
      logger: pino({ level: 'silent' }),
    });
    opened.push(stats);
    return stats;
  };
  const context = (stats: LiveStats, config = CONFIG) => ({ config, registry, stats });

  it('keeps the prior with no evidence, and says so', () => {
    const learnt = learnComplexity(classification(0.4), context(live()));
    expect(learnt.complexity).toBe(0.4);
    expect(learnt.complexityEvidence).toEqual({ prior: 0.4, cluster: 'code__medium', good: 0, bad: 0 });
  });

  it("raises a cluster's complexity when weak models fail on it; other clusters and strong models' failures do not", () => {
    const stats = live();
    for (let i = 0; i < 30; i++) stats.recordCluster('p/weak', 'code__medium', i % 10 === 0 ? 1 : 0);
    // The strong model failing says nothing of what a weak model does.
    for (let i = 0; i < 30; i++) stats.recordCluster('p/strong', 'code__easy', 0);
    const medium = learnComplexity(classification(0.4), context(stats));
    expect(medium.complexityEvidence).toEqual({ prior: 0.4, cluster: 'code__medium', good: 3, bad: 27 });
    expect(medium.complexity).toBe(Math.round(((30 * 0.4 + 27) / 60) * 1000) / 1000);
    expect(medium.complexity).toBeGreaterThan(0.6);
    expect(learnComplexity(classification(0.1), context(stats)).complexity).toBe(0.1);
  });

  it('records nothing and learns nothing when routing.complexity.learn is false', () => {
    const off = { ...CONFIG, learn: false };
    const stats = live(off);
    stats.recordCluster('p/weak', 'code__medium', 0);
    expect(stats.clusterArm('p/weak', 'code__medium')).toBeUndefined();
    const same = classification(0.4);
    expect(learnComplexity(same, context(stats, off))).toBe(same);
  });

  it("counts a run's attempts on its cluster: judge scores, streamed answers as 1, counted failures as 0", () => {
    const stats = live();
    const learnt = learnComplexity(classification(0.4), context(stats));
    const outcome = {
      kind: 'error',
      classification: learnt,
      attempts: [
        { ref: 'p/weak', ms: 1, kind: 'server' },
        { ref: 'p/weak', ms: 1, kind: 'rate_limit' },
        { ref: 'p/weak', ms: 1, verdict: { score: 0.3, reasons: ['refusal'] } },
        { ref: 'p/strong', ms: 1, verdict: { score: 1, reasons: ['streaming'] } },
      ],
    } as unknown as ChatOutcome;
    recordClusterEvidence(stats, outcome);
    expect(stats.clusterArm('p/weak', 'code__medium')).toEqual({ good: 0.3, bad: 1.7 });
    expect(stats.clusterArm('p/strong', 'code__medium')).toEqual({ good: 1, bad: 0 });
    expect(learnComplexity(classification(0.4), context(stats)).complexityEvidence).toMatchObject({
      good: 0.3,
      bad: 1.7,
    });
  });
});
