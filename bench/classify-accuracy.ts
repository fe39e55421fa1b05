// Accuracy and speed of the request classifier on the labelled prompt set
// (test/fixtures/routing/labelled-prompts.jsonl):
// task accuracy per task and overall, domain accuracy, for the dev split (rules tuned on it) and the held-out test
// split, the commonest confusions, and classify time per prompt (p50, p99) after warm-up.
//
//   node --import tsx bench/classify-accuracy.ts [--errors=dev|test|all] [--reps=N]
import { classify, createRuleClassifier, type ClassifyInput } from '../src/routing/classifier/classify.js';
import { TASKS } from '../src/config/schema.js';
import {
  loadLabelledPrompts,
  scoreClassifier,
  toRequest,
  type LabelledPrompt,
  type Scorecard,
} from '../test/fixtures/routing/labelled.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const reps = Number(args.get('reps') ?? 200);
const showErrors = args.get('errors');

const prompts = loadLabelledPrompts();
const splits: Record<'dev' | 'test', LabelledPrompt[]> = {
  dev: prompts.filter((p) => p.split === 'dev'),
  test: prompts.filter((p) => p.split === 'test'),
};
const classifier = createRuleClassifier();
const cards = { dev: scoreClassifier(classifier, splits.dev), test: scoreClassifier(classifier, splits.test) };
const all = scoreClassifier(classifier, prompts);

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const cell = (card: Scorecard, task: (typeof TASKS)[number]): string => {
  const row = card.perTask.get(task);
  return row === undefined ? '-' : `${pct(row.correct / row.count)} (${row.correct}/${row.count})`;
};

console.log(
  `Classifier accuracy on ${prompts.length} labelled prompts (dev ${splits.dev.length}, test ${splits.test.length})\n`,
);
console.log('| task | dev | test | all |');
console.log('| --- | --- | --- | --- |');
for (const task of TASKS)
  console.log(`| ${task} | ${cell(cards.dev, task)} | ${cell(cards.test, task)} | ${cell(all, task)} |`);
console.log(`| **task, overall** | ${pct(cards.dev.task)} | ${pct(cards.test.task)} | ${pct(all.task)} |`);
console.log(`| **domain, overall** | ${pct(cards.dev.domain)} | ${pct(cards.test.domain)} | ${pct(all.domain)} |`);

console.log('\nCommonest task confusions (all splits; expected → got):');
for (const [pair, count] of commonest(all, (m) =>
  m.task !== m.prompt.task ? `${m.prompt.task} → ${m.task}` : undefined,
)) {
  console.log(`  ${String(count).padStart(3)}  ${pair}`);
}
console.log('Commonest domain confusions:');
for (const [pair, count] of commonest(all, (m) =>
  m.domain !== m.prompt.domain ? `${m.prompt.domain} → ${m.domain}` : undefined,
)) {
  console.log(`  ${String(count).padStart(3)}  ${pair}`);
}

if (showErrors !== undefined) {
  const card = showErrors === 'all' ? all : cards[showErrors as 'dev' | 'test'];
  console.log(`\nMistakes (${showErrors}):`);
  for (const { prompt, task, domain } of card.mistakes) {
    const what = [
      task !== prompt.task ? `task ${prompt.task}→${task}` : '',
      domain !== prompt.domain ? `domain ${prompt.domain}→${domain}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    console.log(`  [${what}] ${prompt.text.slice(0, 110).replace(/\n/g, ' ')}`);
  }
}

timing(prompts.map(toRequest));

/** The most frequent keys among the mistakes, most frequent first. */
function commonest(
  card: Scorecard,
  key: (m: Scorecard['mistakes'][number]) => string | undefined,
  top = 8,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const mistake of card.mistakes) {
    const k = key(mistake);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Times `classify` per prompt over `reps` passes of the whole set, after warm-up passes that let V8 optimise it. */
function timing(requests: ClassifyInput[]): void {
  for (let i = 0; i < 50; i++) for (const request of requests) classify(request);
  const samples = new Float64Array(reps * requests.length);
  let n = 0;
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    for (const request of requests) {
      const start = process.hrtime.bigint();
      const c = classify(request);
      samples[n++] = Number(process.hrtime.bigint() - start) / 1000;
      sink += c.complexity;
    }
  }
  samples.sort();
  const at = (q: number): string => samples[Math.min(n - 1, Math.floor(q * n))]!.toFixed(1);
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const chars =
    requests.reduce(
      (a, r) => a + r.messages.reduce((b, m) => b + (typeof m.content === 'string' ? m.content.length : 0), 0),
      0,
    ) / requests.length;
  console.log(
    `\nclassify time per prompt (${n} calls, ${reps} passes of ${requests.length} prompts, mean ${chars.toFixed(0)} chars; µs):`,
  );
  console.log(
    `  p50 ${at(0.5)}  p90 ${at(0.9)}  p99 ${at(0.99)}  max ${samples[n - 1]!.toFixed(1)}  mean ${mean.toFixed(2)}  (checksum ${sink.toFixed(1)})`,
  );
  console.log(`  node ${process.version}, ${process.platform}/${process.arch}`);
}
