// Route time with 100 enabled models (20 providers x 5) with live stats, pruning, headroom, availability and rules,
// with and without the bandit (a Beta draw per candidate), and classify time: p50 and p99 per call
// (`npm run bench:routing`).
import { RoutingRuleSchema } from '../src/config/routing-schema.js';
import type { ProviderEntry } from '../src/config/schema.js';
import { resolveCatalogWithKeys } from '../src/accounts/provider-keys.js';
import { seededRandom } from '../src/routing/seeded-random.js';
import { classify } from '../src/routing/classifier/classify.js';
import { planRoute, type RouteContext } from '../src/routing/plan.js';
import type { ModelStats, StatsView } from '../src/routing/types.js';

const entries = Array.from({ length: 20 }, (_, p) => ({
  id: `p${p}`,
  protocol: 'openai',
  baseUrl: `http://127.0.0.1:${1000 + p}/v1`,
  apiKeys: ['a', 'b'],
  models: Array.from({ length: 5 }, (_, i) => ({
    id: `m${i}`,
    capabilities: ['chat', 'tools', 'code'],
    contextWindow: 32_768,
    quality: ((p * 5 + i) % 17) / 17,
    speed: ((p * 7 + i) % 13) / 13,
    ...(i % 2 ? { strengths: { code: 0.9, knowledge: 0.7 } } : {}),
    costPer1M: p % 4 === 0 ? { input: 1, output: 2 } : { input: 0, output: 0 },
  })),
})) as ProviderEntry[];
const registry = resolveCatalogWithKeys([], entries, {});
const measured = new Map<string, ModelStats>(
  registry.models.map((m, i) => [
    m.ref,
    { samples: 5 + i, successRate: 0.9, ttftMs: 200 + i, tokensPerSec: 80, quality: 0.7 },
  ]),
);
const stats: StatsView = {
  get: (ref) => measured.get(ref),
  pruned: (ref) => (ref === 'p3/m1' ? { until: Number.MAX_SAFE_INTEGER, reason: 'success 10%' } : undefined),
  // Half the models have evidence for the task, the rest the prior alone.
  arm: (ref) => (ref.endsWith('1') || ref.endsWith('3') ? { good: 40.5, bad: 9.5 } : undefined),
};
const context: RouteContext = {
  availability: (provider) =>
    provider.id === 'p19' ? { kind: 'resting', reason: 'resting', retryAfterMs: 1_000 } : undefined,
  headroom: (provider) => (provider.id === 'p7' ? 0.5 : 1),
  stats,
  rules: [
    RoutingRuleSchema.parse({ name: 'math', when: { task: ['math'] }, prefer: ['p1/m1'] }),
    RoutingRuleSchema.parse({
      name: 'code-to-coders',
      when: { task: ['code'] },
      prefer: ['p5/m1', 'p6/m3'],
      fallback: ['p0/m0'],
    }),
  ],
  now: Date.now(),
};
const request = {
  messages: [
    {
      role: 'user' as const,
      content: 'Fix this python function so that it handles empty lists: def f(xs): return xs[0]',
    },
  ],
};
const classification = classify(request);
const route = { model: 'auto', mode: 'balanced' as const };
const withBandit: RouteContext = { ...context, bandit: { priorStrength: 10, random: seededRandom(1) } };

/** p50 and p99 of `work` in microseconds, after a warm-up. */
function timed(work: () => void, runs = 30_000): { p50: number; p99: number } {
  for (let i = 0; i < 5_000; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs * 0.5)]!, p99: times[Math.floor(runs * 0.99)]! };
}

let sink = 0;
const rows: Array<[string, { p50: number; p99: number }]> = [
  [
    'route, 100 models (plan only)',
    timed(() => void (sink += planRoute(registry, route, classification, context).candidates.length)),
  ],
  [
    'route, 100 models + top-3 reasons',
    timed(() => {
      for (const candidate of planRoute(registry, route, classification, context).candidates.slice(0, 3))
        sink += candidate.reasons.length;
    }),
  ],
  [
    'route, 100 models, bandit (a Beta draw per candidate)',
    timed(() => void (sink += planRoute(registry, route, classification, withBandit).candidates.length)),
  ],
  [
    'route, 100 models, bandit + top-3 reasons',
    timed(() => {
      for (const candidate of planRoute(registry, route, classification, withBandit).candidates.slice(0, 3))
        sink += candidate.reasons.length;
    }),
  ],
  [
    'route, 100 models, bandit in fastest (posterior mean, no draw)',
    timed(
      () =>
        void (sink += planRoute(registry, { ...route, mode: 'fastest' }, classification, withBandit).candidates.length),
    ),
  ],
  ['classify (a one-line code request)', timed(() => void (sink += classify(request).complexity))],
];
console.log('| what | p50 | p99 |\n|---|---|---|');
for (const [label, { p50, p99 }] of rows) console.log(`| ${label} | ${p50.toFixed(1)} µs | ${p99.toFixed(1)} µs |`);
if (sink === 0) console.log('(nothing measured)');
