// What the second opinion (routing.llmClassifier) adds to a request's latency, against a fake model that answers at
// once: the same gateway set-up with and without it, each prompt distinct (no cached answer), sequential requests.
//
//   node --import tsx bench/second-opinion.ts [--requests=N]
import { startTestGateway, startThreeProtocols } from '../test/e2e/harness.js';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const requests = Number(args.get('requests') ?? 200);
const fakes = await startThreeProtocols();
fakes.alpha.setFallback((req) =>
  JSON.stringify(req.body).includes('Classify the user message')
    ? { type: 'text', text: '{"task": "chat", "domain": "general"}' }
    : { type: 'text', text: 'an answer' },
);

const results: string[] = [];
for (const [name, routing] of [
  ['without', {}],
  ['with, every prompt unsure', { classifierMinConfidence: 1, llmClassifier: { model: 'alpha/alpha-chat' } }],
  ['with, no prompt unsure', { classifierMinConfidence: 0, llmClassifier: { model: 'alpha/alpha-chat' } }],
] as const) {
  const gw = await startTestGateway({ providers: fakes.providers, routing });
  const samples: number[] = [];
  for (let i = 0; i < requests + 20; i++) {
    const started = performance.now();
    await gw.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: `so, thought number ${i} of the day: what do you make of it?` }],
    });
    if (i >= 20) samples.push(performance.now() - started);
  }
  await gw.close();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.floor(q * (samples.length - 1))]!.toFixed(2);
  results.push(`${name}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms (${requests} requests)`);
}
await fakes.closeAll();
console.log(results.join('\n'));
