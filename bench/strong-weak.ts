// What complexity steering (routing.complexity.span) buys in `balanced`: the router's own plan for each prompt of the
// bank's held-out split, over a catalog of a strong, slow model and a weak, fast one, at several spans; the answers
// simulated as in bench/apgr.ts (test/fixtures/routing/apgr.ts). Per span: the share of prompts sent to the strong
// model, the quality achieved (mean answer score), the performance gap recovered at that share (PGR), and what random
// routing (PGR = the share) and the oracle (the prompts likeliest to defeat the weak model first) recover at it.
//
//   node --import tsx bench/strong-weak.ts [--seeds=5]
import { resolveCatalogWithKeys } from '../src/accounts/provider-keys.js';
import type { ModelConfig } from '../src/config/schema.js';
import { seededRandom } from '../src/routing/seeded-random.js';
import { createLearnedClassifier } from '../src/routing/classifier/learned-classifier.js';
import { planRoute } from '../src/routing/plan.js';
import { SCENARIOS, STRONG } from '../test/fixtures/routing/apgr.js';
import { bankRequest, loadBank, splitOf } from '../test/fixtures/routing/bank-set.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const SEEDS = Number(args.get('seeds') ?? 5);
const SPANS = [0, 0.1, 0.2, 0.3, 0.4];

const model = (id: string, quality: number, speed: number, price: number): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 32_768,
  quality,
  speed,
  costPer1M: { input: price, output: price * 5 },
});
/**
 * Three catalogs: both free with the weak model first at span 0 (strong 0.9 / speed 0.3, weak 0.6 / 0.9), both free
 * with the strong one first (speed 0.5 / 0.8), and a paid strong one ($3 / $15 per 1M).
 */
const CATALOGS: Record<string, ModelConfig[]> = {
  'both free: strong q 0.9 s 0.5, weak q 0.6 s 0.8': [model('strong', 0.9, 0.5, 0), model('weak', 0.6, 0.8, 0)],
  'both free: strong q 0.9 s 0.3, weak q 0.6 s 0.9': [model('strong', 0.9, 0.3, 0), model('weak', 0.6, 0.9, 0)],
  'strong paid: strong q 0.9 s 0.5 $3/$15, weak free q 0.6 s 0.8': [
    model('strong', 0.9, 0.5, 3),
    model('weak', 0.6, 0.8, 0),
  ],
};

const learned = createLearnedClassifier();
const heldout = loadBank()
  .filter((p) => splitOf(p.text) === 'heldout')
  .map((prompt) => ({ prompt, classification: learned.classify(bankRequest(prompt)) }));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log(`Held-out split: ${heldout.length} prompts; ${SEEDS} seeds; mode balanced, bandit off, no live stats\n`);
for (const [name, models] of Object.entries(CATALOGS)) {
  const registry = resolveCatalogWithKeys(
    [],
    [{ id: 'sim', protocol: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKeys: ['k'], models }],
    {},
  );
  console.log(`### ${name}\n`);
  const scenarios = Object.keys(SCENARIOS);
  console.log(
    `| span | to strong | ${scenarios.map((s) => `${s.slice(0, 1)}: quality, PGR (random, oracle)`).join(' | ')} |`,
  );
  console.log(`| ---: | ---: | ${scenarios.map(() => '---').join(' | ')} |`);
  for (const span of SPANS) {
    const toStrong = heldout.map(
      ({ classification }) =>
        planRoute(registry, { model: 'auto', mode: 'balanced' }, classification, { complexitySpan: span })
          .candidates[0]!.model.config.id === 'strong',
    );
    const share = mean(toStrong.map(Number));
    const cells = Object.values(SCENARIOS).map((weakChance) => {
      const quality: number[] = [];
      const pgr: number[] = [];
      const oracle: number[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        // The same draws as bench/apgr.ts: one graded answer per model and prompt.
        const random = seededRandom(seed);
        const weak = heldout.map(({ prompt }) => (random() < weakChance(prompt) ? 1 : 0));
        const strong = heldout.map(({ prompt }) => (random() < STRONG[prompt.difficulty] ? 1 : 0));
        const served = heldout.map((_, i) => (toStrong[i] ? strong[i]! : weak[i]!));
        const gap = mean(strong) - mean(weak);
        quality.push(mean(served));
        pgr.push((mean(served) - mean(weak)) / gap);
        // The oracle sends the same number of prompts, those with the weak model's lowest chance, to the strong one.
        const byRisk = heldout
          .map((_, i) => i)
          .sort((a, b) => weakChance(heldout[a]!.prompt) - weakChance(heldout[b]!.prompt));
        const chosen = new Set(byRisk.slice(0, Math.round(share * heldout.length)));
        oracle.push((mean(heldout.map((_, i) => (chosen.has(i) ? strong[i]! : weak[i]!))) - mean(weak)) / gap);
      }
      return `${mean(quality).toFixed(3)}, ${mean(pgr).toFixed(2)} (${share.toFixed(2)}, ${mean(oracle).toFixed(2)})`;
    });
    console.log(`| ${span} | ${(share * 100).toFixed(1)} % | ${cells.join(' | ')} |`);
  }
  console.log();
}
