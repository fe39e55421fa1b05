// Accuracy and speed of the request classifiers, the learned default and the rules: task accuracy per task and
// domain accuracy on the old labelled set (test/fixtures/routing/labelled-prompts.jsonl: its dev split the rules were
// tuned on, its test split, the learned classifier never trained on either) and on the prompt bank's held-out split,
// the commonest confusions, and classify time per prompt (p50, p99) after warm-up, on the labelled set and on
// prompts of 2,000 characters. With --base=DIR (another checkout, say `git worktree add --detach /tmp/base main` with
// its node_modules linked), its learned classifier is timed against this one's in alternating passes in this process,
// so that before and after see the same load (short, medium and long prompts), and every request of the bank, the
// labelled set and the long prompts is labelled by both: any difference in a label or a probability fails the run.
//
//   node --import tsx bench/classify-accuracy.ts [--errors=learned|rules] [--reps=N] [--base=DIR [--speed]]
import { resolve } from 'node:path';
import { TASKS } from '../src/config/schema.js';
import { createLearnedClassifier } from '../src/routing/classifier/learned-classifier.js';
import { createRuleClassifier } from '../src/routing/classifier/rule-classifier.js';
import type { Classifier, ClassifyInput } from '../src/routing/classifier/types.js';
import { bankRequest, loadBank, splitOf } from '../test/fixtures/routing/bank-set.js';
import {
  loadLabelledPrompts,
  scoreClassifier,
  toRequest,
  type LabelledPrompt,
  type Scorecard,
} from '../test/fixtures/routing/labelled.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const reps = Number(args.get('reps') ?? 100);
const showErrors = args.get('errors');
/** Only the timing against --base and the check that it labels alike: no accuracy tables. */
const speedOnly = args.has('speed');

const classifiers: Record<'learned' | 'rules', Classifier> = {
  learned: createLearnedClassifier(),
  rules: createRuleClassifier(),
};
const prompts = loadLabelledPrompts();
const splits: Record<'dev' | 'test', LabelledPrompt[]> = {
  dev: prompts.filter((p) => p.split === 'dev'),
  test: prompts.filter((p) => p.split === 'test'),
};
const heldout = loadBank()
  .filter((p) => splitOf(p.text) === 'heldout')
  .map((p) => ({ ...p, split: 'test' as const }));

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const cell = (card: Scorecard, task: (typeof TASKS)[number]): string => {
  const row = card.perTask.get(task);
  return row === undefined ? '-' : `${pct(row.correct / row.count)}`;
};

if (!speedOnly) {
  console.log(
    `Old labelled set: ${prompts.length} prompts (dev ${splits.dev.length}, test ${splits.test.length}); ` +
      `bank held-out split: ${heldout.length} prompts\n`,
  );
  const cards = Object.fromEntries(
    Object.entries(classifiers).map(([name, classifier]) => [
      name,
      {
        dev: scoreClassifier(classifier, splits.dev),
        test: scoreClassifier(classifier, splits.test),
        all: scoreClassifier(classifier, prompts),
        bank: scoreClassifier(classifier, heldout),
      },
    ]),
  ) as Record<'learned' | 'rules', Record<'dev' | 'test' | 'all' | 'bank', Scorecard>>;
  console.log('| task | rules: old dev | old test | bank held-out | learned: old dev | old test | bank held-out |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const row = (name: string, get: (card: Scorecard) => string): string =>
    `| ${name} | ${(['rules', 'learned'] as const).flatMap((c) => (['dev', 'test', 'bank'] as const).map((s) => get(cards[c][s]))).join(' | ')} |`;
  for (const task of TASKS) console.log(row(task, (card) => cell(card, task)));
  console.log(row('**task, overall**', (card) => pct(card.task)));
  console.log(row('**domain, overall**', (card) => pct(card.domain)));

  for (const name of ['learned', 'rules'] as const) {
    console.log(`\nCommonest task confusions of ${name} (old set and bank held-out; expected → got):`);
    const mistakes = [...cards[name].all.mistakes, ...cards[name].bank.mistakes];
    for (const [pair, count] of commonest(mistakes, (m) =>
      m.task !== m.prompt.task ? `${m.prompt.task} → ${m.task}` : undefined,
    ))
      console.log(`  ${String(count).padStart(3)}  ${pair}`);
    if (showErrors === name)
      for (const { prompt, task, domain } of mistakes)
        console.log(
          `  [${prompt.task}→${task}, ${prompt.domain}→${domain}] ${prompt.text.slice(0, 110).replace(/\n/g, ' ')}`,
        );
  }
}

const long = heldout.map((p) => p.text).join('\n\n');
const longPrompts = Array.from({ length: 50 }, (_, i) => {
  const from = Math.floor((i / 50) * Math.max(0, long.length - 2000));
  return bankRequest({ text: long.slice(from, from + 2000) });
});
for (const name of speedOnly ? [] : (['learned', 'rules'] as const)) {
  timing(`${name}, the old labelled set`, classifiers[name], prompts.map(toRequest));
  timing(`${name}, 2,000-character prompts`, classifiers[name], longPrompts);
}
const baseDir = args.get('base');
if (baseDir !== undefined) {
  const base = (await import(
    `${resolve(baseDir)}/src/routing/classifier/learned-classifier.ts`
  )) as typeof import('../src/routing/classifier/learned-classifier.js');
  const before = base.createLearnedClassifier();
  const bank = loadBank().map(bankRequest);
  const sizes = [
    ['short prompts (20-100 characters)', bank.filter((r) => userChars(r) >= 20 && userChars(r) <= 100).slice(0, 400)],
    [
      'medium prompts (300-1,000 characters)',
      bank.filter((r) => userChars(r) >= 300 && userChars(r) <= 1000).slice(0, 200),
    ],
    ['2,000-character prompts', longPrompts],
  ] as const;
  for (const [title, requests] of sizes) compare(`${title}, ${baseDir} → this checkout`, before, requests);
  compare(`the old labelled set, ${baseDir} → this checkout`, before, prompts.map(toRequest));
  // Follow-ups too, so that the previous user turn's features are compared as well.
  const followUps = bank.slice(1, 1001).map((request, i) => ({
    messages: [
      ...bank[i]!.messages,
      { role: 'assistant' as const, content: 'Done.' },
      { role: 'user' as const, content: request.messages.at(-1)!.content },
    ],
  }));
  await sameLabels(before, [...bank, ...followUps, ...prompts.map(toRequest), ...longPrompts]);
}
console.log(`  node ${process.version}, ${process.platform}/${process.arch}`);

/** The user message's length in characters. */
function userChars(request: ClassifyInput): number {
  const content = request.messages.at(-1)?.content;
  return typeof content === 'string' ? content.length : 0;
}

/**
 * Whether this checkout's learned classifier labels every request as the base's does: every field of the
 * classification, and every output probability of the model (each side's own features and predict) within 1e-9.
 * Exits non-zero on the first difference: a change meant only for speed must not move a label.
 */
async function sameLabels(base: Classifier, requests: readonly ClassifyInput[]): Promise<void> {
  type Probe = (request: ClassifyInput) => Float64Array;
  const probe = async (dir: string): Promise<Probe> => {
    const features = (await import(
      `${dir}/src/routing/classifier/features.ts`
    )) as typeof import('../src/routing/classifier/features.js');
    const linear = (await import(
      `${dir}/src/routing/classifier/linear-model.ts`
    )) as typeof import('../src/routing/classifier/linear-model.js');
    const file = (await import(`${dir}/src/routing/classifier/model.json`, { with: { type: 'json' } })).default;
    const model = linear.decodeModel(file);
    const extractor = features.createFeatureExtractor(model.bits);
    return (request) => {
      const out = new Float64Array(linear.OUTPUTS);
      linear.predict(model, extractor.extract(request).features, out);
      return out;
    };
  };
  const [before, after] = [await probe(resolve(baseDir!)), await probe(resolve(import.meta.dirname, '..'))];
  let worst = 0;
  for (const request of requests) {
    const [a, b] = [base.classify(request), classifiers.learned.classify(request)];
    const plain = (c: typeof a) => JSON.stringify({ ...c, promptTokens: c.promptTokens() });
    if (plain(a) !== plain(b)) {
      console.log(`\nDIFFERENT classification:\n  base ${plain(a)}\n  this ${plain(b)}`);
      process.exit(1);
    }
    const [p, q] = [before(request), after(request)];
    for (let k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p[k]! - q[k]!));
  }
  console.log(
    `\nsame labels: ${requests.length} requests, every classification field equal; largest probability difference ` +
      `${worst.toExponential(2)}`,
  );
  if (worst > 1e-9) process.exit(1);
}

/** The most frequent keys among the mistakes, most frequent first. */
function commonest(
  mistakes: Scorecard['mistakes'],
  key: (m: Scorecard['mistakes'][number]) => string | undefined,
  top = 8,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const mistake of mistakes) {
    const k = key(mistake);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Times `classify` per prompt over `reps` passes of the requests, after warm-up passes that let V8 optimise it. */
function timing(title: string, classifier: Classifier, requests: ClassifyInput[]): void {
  for (let i = 0; i < 30; i++) for (const request of requests) classifier.classify(request);
  const samples = new Float64Array(reps * requests.length);
  let n = 0;
  let sink = 0;
  // CPU time over the whole batch as well: on a loaded machine the wall-clock percentiles include time spent waiting
  // for a core; the mean CPU time per call does not.
  const cpu = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    for (const request of requests) {
      const start = process.hrtime.bigint();
      const c = classifier.classify(request);
      samples[n++] = Number(process.hrtime.bigint() - start) / 1000;
      sink += c.complexity;
    }
  }
  const used = process.cpuUsage(cpu);
  const cpuPerCall = (used.user + used.system) / n;
  samples.sort();
  const at = (q: number): string => samples[Math.min(n - 1, Math.floor(q * n))]!.toFixed(1);
  const chars =
    requests.reduce(
      (a, r) => a + r.messages.reduce((b, m) => b + (typeof m.content === 'string' ? m.content.length : 0), 0),
      0,
    ) / requests.length;
  console.log(
    `\nclassify time, ${title} (${n} calls, mean ${chars.toFixed(0)} chars; µs): p50 ${at(0.5)}  p90 ${at(0.9)}  ` +
      `p99 ${at(0.99)}; CPU per call (mean) ${cpuPerCall.toFixed(1)}  (checksum ${sink.toFixed(1)})`,
  );
}

/** p50 of the base's learned classifier and this one's, timed in ten alternating rounds of `reps / 10` passes each. */
function compare(title: string, base: Classifier, requests: ClassifyInput[]): void {
  const sides = [
    { classifier: base, samples: [] as number[] },
    { classifier: classifiers.learned, samples: [] as number[] },
  ];
  let sink = 0;
  for (const { classifier } of sides) for (let i = 0; i < 30; i++) for (const r of requests) classifier.classify(r);
  for (let round = 0; round < 10; round++)
    for (const { classifier, samples } of sides)
      for (let pass = 0; pass < Math.ceil(reps / 10); pass++)
        for (const request of requests) {
          const start = process.hrtime.bigint();
          sink += classifier.classify(request).complexity;
          samples.push(Number(process.hrtime.bigint() - start) / 1000);
        }
  const [before, after] = sides.map(({ samples }) => samples.sort((a, b) => a - b)[samples.length >> 1]!);
  console.log(
    `\nclassify time, learned, ${title} (p50 µs, alternating rounds): ${before!.toFixed(1)} → ${after!.toFixed(1)} ` +
      `(× ${(after! / before!).toFixed(2)})  (checksum ${sink.toFixed(1)})`,
  );
}
