// Simulates the router learning from traffic (`node --import tsx bench/bandit-sim.ts [requests] [seed] [k]`): three fake
// models whose hidden per-task success rates differ from what the catalog says of them, requests spread over three
// tasks, each answer judged good (0.9) or poor (0.2) by its hidden rate and recorded in live stats as the gateway does.
// Reports, per stretch of requests, the share sent to each task's truly best model and the regret (best rate − chosen
// rate, summed), for the scoring without the bandit (quality blended with the model-wide judge average) and with it
// (prior strength k, default the config's), and how often a plan with no evidence yet leaves the catalog's first choice.
import { pino } from 'pino';
import { resolveCatalogWithKeys } from '../src/accounts/provider-keys.js';
import type { ModelConfig, ProviderEntry, Task } from '../src/config/schema.js';
import { RoutingSchema } from '../src/config/routing-schema.js';
import type { Bandit } from '../src/routing/bandit.js';
import { seededRandom } from '../src/routing/seeded-random.js';
import { planRoute } from '../src/routing/plan.js';
import { createLiveStats } from '../src/routing/stats.js';
import type { Classification } from '../src/routing/types.js';
import { createMemoryStatsStore } from '../src/storage/memory/stats.js';

const TASKS_SIMULATED = ['code', 'chat', 'math'] as const satisfies readonly Task[];
type SimTask = (typeof TASKS_SIMULATED)[number];

/** What the catalog says (the prior), and what is true (hidden): the catalog overrates `a` on code. */
const MODELS: Array<{ id: string; prior: Record<SimTask, number>; truth: Record<SimTask, number> }> = [
  { id: 'a', prior: { code: 0.9, chat: 0.8, math: 0.7 }, truth: { code: 0.55, chat: 0.85, math: 0.7 } },
  { id: 'b', prior: { code: 0.75, chat: 0.8, math: 0.75 }, truth: { code: 0.85, chat: 0.75, math: 0.6 } },
  { id: 'c', prior: { code: 0.6, chat: 0.7, math: 0.8 }, truth: { code: 0.5, chat: 0.6, math: 0.9 } },
];
const BEST = Object.fromEntries(
  TASKS_SIMULATED.map((task) => [task, Math.max(...MODELS.map((m) => m.truth[task]))]),
) as Record<SimTask, number>;

const entries = MODELS.map(
  (m): ProviderEntry => ({
    id: m.id,
    protocol: 'openai',
    baseUrl: 'http://127.0.0.1:1/v1',
    apiKeys: ['k'],
    models: [
      {
        id: m.id,
        capabilities: ['chat'],
        contextWindow: 8192,
        quality: 0.7,
        speed: 0.6,
        costPer1M: { input: 0, output: 0 },
        strengths: m.prior,
      } as ModelConfig,
    ],
  }),
);
const registry = resolveCatalogWithKeys([], entries, {});
const truthOf = new Map(MODELS.map((m) => [`${m.id}/${m.id}`, m.truth]));

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

interface Stretch {
  best: number;
  regret: number;
  requests: number;
}

/** Runs `requests` requests; returns the figures per stretch of `stretch` requests. */
async function simulate(requests: number, stretch: number, seed: number, bandit: boolean): Promise<Stretch[]> {
  const config = { enabled: bandit, priorStrength, window: 200 };
  const pruning = { minSuccessRate: 0, minQuality: 0, minSamples: 1_000_000, coolDownMs: 1 };
  const stats = createLiveStats({
    store: createMemoryStatsStore(),
    pruning,
    bandit: config,
    refreshMs: 0,
    logger: pino({ level: 'silent' }),
  });
  const outcomes = seededRandom(seed);
  const draws: Bandit | undefined = bandit ? { priorStrength, random: seededRandom(seed + 1) } : undefined;
  const stretches: Stretch[] = [];
  for (let i = 0; i < requests; i += 1) {
    if (i % stretch === 0) stretches.push({ best: 0, regret: 0, requests: 0 });
    const current = stretches.at(-1)!;
    const task = TASKS_SIMULATED[Math.floor(outcomes() * TASKS_SIMULATED.length)]!;
    const plan = planRoute(registry, { model: 'auto', mode: 'balanced' }, labelled(task), {
      stats,
      ...(draws === undefined ? {} : { bandit: draws }),
    });
    const ref = plan.candidates[0]!.model.ref;
    const rate = truthOf.get(ref)![task];
    current.requests += 1;
    current.regret += BEST[task] - rate;
    if (rate === BEST[task]) current.best += 1;
    stats.recordCall(ref, { ok: true, latencyMs: 500 });
    stats.recordQuality(ref, outcomes() < rate ? 0.9 : 0.2, task);
  }
  await stats.close();
  return stretches;
}

const requests = Number(process.argv[2] ?? 6_000);
const seed = Number(process.argv[3] ?? 1);
const priorStrength = Number(process.argv[4] ?? RoutingSchema.parse({}).bandit.priorStrength);
const stretch = requests / 6;
const [without, withBandit] = [
  await simulate(requests, stretch, seed, false),
  await simulate(requests, stretch, seed, true),
];
const pct = (x: number) => `${Math.round(x * 100)}%`;
console.log(
  `${requests} requests over ${TASKS_SIMULATED.join(', ')}, seed ${seed}; regret in answers per 100 requests\n`,
);
console.log('| requests | best model, current scoring | best model, bandit | regret, current | regret, bandit |');
console.log('|---|---|---|---|---|');
let totals = [0, 0];
without.forEach((a, i) => {
  const b = withBandit[i]!;
  totals = [totals[0]! + a.regret, totals[1]! + b.regret];
  const span = `${i * stretch + 1}–${(i + 1) * stretch}`;
  const per100 = (s: Stretch) => ((s.regret / s.requests) * 100).toFixed(1);
  console.log(`| ${span} | ${pct(a.best / a.requests)} | ${pct(b.best / b.requests)} | ${per100(a)} | ${per100(b)} |`);
});
console.log(`\ncumulative regret: current ${totals[0]!.toFixed(0)}, bandit ${totals[1]!.toFixed(0)} (answers)`);
console.log(
  `with no evidence (prior strength ${priorStrength}), plans whose first model is not the catalog's: ${coldStart()}`,
);

/** Per task, the share of 1,000 plans drawn with no evidence whose first model differs from the catalog's first. */
function coldStart(): string {
  const draws: Bandit = { priorStrength, random: seededRandom(seed + 2) };
  return TASKS_SIMULATED.map((task) => {
    const first = planRoute(registry, { model: 'auto', mode: 'balanced' }, labelled(task)).candidates[0]!.model.ref;
    let moved = 0;
    for (let i = 0; i < 1_000; i += 1) {
      const plan = planRoute(registry, { model: 'auto', mode: 'balanced' }, labelled(task), { bandit: draws });
      if (plan.candidates[0]!.model.ref !== first) moved += 1;
    }
    return `${task} ${pct(moved / 1_000)}`;
  }).join(', ');
}
