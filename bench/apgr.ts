// APGR of the complexity signal on the prompt bank's held-out split (docs/ROUTING.md "APGR"). The bank has no graded
// answers of real models, so the answers are simulated, with fixed seeds: a weak model whose chance of a good answer
// falls with the prompt's labelled difficulty (and, in the second scenario, with its task), a strong model that nearly
// always answers well. Routers compared: the learned classifier's complexity (the prior), the rules' complexity,
// random scores, the outcome-learned complexity after N simulated weak answers to prompts of the training and
// validation splits (judged right 90 % of the time; through the live stats and src/routing/learned-complexity.ts, as
// the gateway runs them), and the labels themselves (oracle).
//
//   npm run bench:apgr -- [--seeds=5] [--judge=0.9]
import { pino } from 'pino';
import { resolveCatalogWithKeys } from '../src/accounts/provider-keys.js';
import { RoutingSchema } from '../src/config/routing-schema.js';
import { seededRandom } from '../src/routing/seeded-random.js';
import { createLearnedClassifier } from '../src/routing/classifier/learned-classifier.js';
import { createRuleClassifier } from '../src/routing/classifier/rule-classifier.js';
import { learnComplexity } from '../src/routing/learned-complexity.js';
import { createLiveStats } from '../src/routing/stats.js';
import type { Classification } from '../src/routing/types.js';
import { createMemoryStatsStore } from '../src/storage/memory/stats.js';
import { apgr, SCENARIOS, STRONG } from '../test/fixtures/routing/apgr.js';
import { bankRequest, loadBank, splitOf, type BankPrompt } from '../test/fixtures/routing/bank-set.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const SEEDS = Number(args.get('seeds') ?? 5);
/** How often the judge's verdict is right (an LLM judge; the cheap checks alone would see far fewer failures). */
const JUDGE_ACCURACY = Number(args.get('judge') ?? 0.9);
const LIVE = [250, 1000, 4000];

interface Row {
  prompt: BankPrompt;
  learned: Classification;
  rules: number;
}
const learned = createLearnedClassifier();
const rules = createRuleClassifier();
const rows = (split: 'train' | 'heldout'): Row[] =>
  loadBank()
    .filter((p) => (split === 'heldout' ? splitOf(p.text) === 'heldout' : splitOf(p.text) !== 'heldout'))
    .map((prompt) => {
      const request = bankRequest(prompt);
      return { prompt, learned: learned.classify(request), rules: rules.classify(request).complexity };
    });
const train = rows('train');
const heldout = rows('heldout');

const config = RoutingSchema.parse({}).complexity;
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'sim',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: ['weak', 'strong'].map((id) => ({
        id,
        capabilities: ['chat' as const],
        contextWindow: 8192,
        quality: id === 'weak' ? 0.6 : 0.9,
        speed: 0.6,
        costPer1M: { input: 0, output: 0 },
      })),
    },
  ],
  {},
);

/** The held-out complexity after `n` judged weak answers to training prompts, as the gateway would learn it. */
async function learnedScores(n: number, weakChance: (p: BankPrompt) => number, seed: number): Promise<number[]> {
  const logger = pino({ level: 'silent' });
  const store = createMemoryStatsStore();
  const pruning = RoutingSchema.parse({}).pruning;
  const stats = createLiveStats({ store, pruning, complexity: config, refreshMs: 0, logger });
  const context = { config, registry, stats };
  const random = seededRandom(seed * 7919 + n);
  for (let i = 0; i < n; i++) {
    const row = train[Math.floor(random() * train.length)]!;
    const good = random() < weakChance(row.prompt);
    const verdict = random() < JUDGE_ACCURACY ? good : !good;
    const { cluster } = learnComplexity(row.learned, context).complexityEvidence!;
    stats.recordCluster('sim/weak', cluster, verdict ? 1 : 0);
  }
  const scores = heldout.map((row) => learnComplexity(row.learned, context).complexity);
  await stats.close();
  return scores;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (xs: number[]): string =>
  `${mean(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;

console.log(
  `Held-out split: ${heldout.length} prompts; training and validation splits (what the classifier was fitted on): ${train.length}; ${SEEDS} seeds; judge right ${JUDGE_ACCURACY * 100} %\n`,
);
const names = [
  'prior (learned classifier)',
  'rules',
  'random',
  ...LIVE.map((n) => `outcome-learned, ${n} live`),
  'oracle',
];
console.log(`| router | ${Object.keys(SCENARIOS).join(' | ')} |`);
console.log(
  `| --- | ${Object.keys(SCENARIOS)
    .map(() => '---:')
    .join(' | ')} |`,
);
const results = new Map<string, string[]>(names.map((name) => [name, []]));
for (const weakChance of Object.values(SCENARIOS)) {
  const perRouter = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = seededRandom(seed);
    // One graded answer per model and prompt, as an evaluation set would have.
    const weak = heldout.map((row) => (random() < weakChance(row.prompt) ? 1 : 0));
    const strong = heldout.map((row) => (random() < STRONG[row.prompt.difficulty] ? 1 : 0));
    const score = (name: string, scores: number[]) => perRouter.get(name)!.push(apgr(scores, weak, strong));
    score(
      names[0]!,
      heldout.map((row) => row.learned.complexity),
    );
    score(
      names[1]!,
      heldout.map((row) => row.rules),
    );
    score(
      names[2]!,
      heldout.map(() => random()),
    );
    for (const [i, n] of LIVE.entries()) score(names[3 + i]!, await learnedScores(n, weakChance, seed));
    score(
      names.at(-1)!,
      heldout.map((row) => 1 - weakChance(row.prompt)),
    );
  }
  for (const name of names) results.get(name)!.push(cell(perRouter.get(name)!));
}
for (const name of names) console.log(`| ${name} | ${results.get(name)!.join(' | ')} |`);
