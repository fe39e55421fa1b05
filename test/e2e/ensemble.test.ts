// End to end: ensembles over HTTP. `select` and `synthesize` call every member (and the aggregator); a failing member
// is replaced by the next candidate or dropped, as the failure policy says; usage adds up; a cascade stops at the first good answer and runs the ensemble only after a poor one;
// GET /v1/runs/{run_id} tells what the run did.
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import { fakeModel, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

beforeAll(async () => {
  fakes = await startThreeProtocols();
  // alpha is the best and slowest, gamma the fastest and weakest: a cascade starts with gamma.
  const speeds: Record<string, number> = { alpha: 0.3, beta: 0.5, gamma: 0.95 };
  const providers = fakes.providers.map((p) => ({
    ...p,
    models: p.models!.map((m) => fakeModel(m.id, { quality: m.quality, speed: speeds[p.id]! })),
  })) as ProviderEntry[];
  gw = await startTestGateway({ providers });
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});
beforeEach(() => {
  for (const fake of [fakes.alpha, fakes.beta, fakes.gamma]) fake.requests.length = 0;
});

const usage = (prompt: number, completion: number) => ({ prompt, completion });

const body = (ensemble: Record<string, unknown>) => ({
  model: 'auto',
  messages: [{ role: 'user' as const, content: 'Name a prime number.' }],
  ensemble,
});
const runIdHeader = (runId: string) => ({ headers: { 'x-switchboard-run-id': runId } });

async function ask(ensemble: Record<string, unknown>, runId: string) {
  return gw.client.chat.completions
    .create(body(ensemble) as OpenAI.ChatCompletionCreateParamsNonStreaming, runIdHeader(runId))
    .withResponse();
}

/** The same, streamed with usage: resolves with the text and the last usage chunk's usage. */
async function askStreamed(ensemble: Record<string, unknown>, runId: string) {
  const params = {
    ...body(ensemble),
    stream: true,
    stream_options: { include_usage: true },
  } as OpenAI.ChatCompletionCreateParamsStreaming;
  const stream = await gw.client.chat.completions.create(params, runIdHeader(runId));
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  return { text, usage };
}

async function runRecord(runId: string) {
  const res = await fetch(`${gw.url}/v1/runs/${runId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

describe('ensemble: select', () => {
  it('asks every member, returns the best judged answer, and adds up usage; a failing member is dropped', async () => {
    fakes.alpha.queue({ type: 'text', text: '   ', usage: usage(10, 1) });
    fakes.beta.queue({ type: 'text', text: 'Seven is prime.', usage: usage(11, 4) });
    fakes.gamma.queue({ type: 'error', status: 500 });
    const { data, response } = await ask({ strategy: 'select', n: 3 }, 'ens-select');
    expect(data.choices[0]!.message.content).toBe('Seven is prime.');
    expect(response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([1, 1, 1]);
    expect(data.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 });
    const record = await runRecord('ens-select');
    expect(record['fused']).toMatchObject({ strategy: 'select', selected: 'beta/beta-chat' });
    const members = record['fused'].members as Array<{ model: string; score?: number; error?: string }>;
    expect(members.find((m) => m.model === 'alpha/alpha-chat')?.score).toBe(0);
    expect(members.find((m) => m.model === 'gamma/gamma-chat')?.error).toBeTruthy();
  });

  it('fails as a failed model does when no member has anything in its answer, rather than serve an empty one', async () => {
    fakes.alpha.queue({ type: 'text', text: '' });
    fakes.beta.queue({ type: 'text', text: ' ' });
    const failed = await ask({ strategy: 'select', models: ['alpha/alpha-chat', 'beta/beta-chat'] }, 'ens-empty').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toMatchObject({ status: 502, code: 'upstream_error' });
    expect([fakes.alpha.requests.length, fakes.beta.requests.length]).toEqual([1, 1]);
  });

  it("replaces a member that failed the way another model may not with the plan's next candidate", async () => {
    fakes.alpha.queue({ type: 'error', status: 500 });
    fakes.beta.queue({ type: 'text', text: 'Seven is prime.' });
    fakes.gamma.queue({ type: 'text', text: 'Eleven is prime, and so is seven.' });
    const ensemble = { strategy: 'select', models: ['alpha/alpha-chat', 'beta/beta-chat'] };
    await ask(ensemble, 'ens-replaced');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([1, 1, 1]);
    const members = (await runRecord('ens-replaced'))['fused'].members as Array<{ model: string; score?: number }>;
    expect(members.find((m) => m.model === 'gamma/gamma-chat')?.score).toBeGreaterThan(0);
  });

  it('drops, without replacing, a member whose failure any model would repeat', async () => {
    fakes.alpha.queue({ type: 'error', status: 400, message: 'temperature is not supported' });
    fakes.beta.queue({ type: 'text', text: 'Seven is prime.' });
    const { data } = await ask({ strategy: 'select', models: ['alpha/alpha-chat', 'beta/beta-chat'] }, 'ens-dropped');
    expect(data.choices[0]!.message.content).toBe('Seven is prime.');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([1, 1, 0]);
  });
});

describe('ensemble: synthesize', () => {
  it("gives every member's answer to the aggregator, which writes the answer", async () => {
    fakes.alpha.queue(
      { type: 'text', text: 'Two is prime.', usage: usage(10, 3) },
      { type: 'text', text: 'Two and seven are primes.', usage: usage(40, 6) },
    );
    fakes.beta.queue({ type: 'text', text: 'Seven is prime.', usage: usage(11, 4) });
    const { data, response } = await ask(
      { strategy: 'synthesize', models: ['alpha/alpha-chat', 'beta/beta-chat'], aggregator: 'alpha/alpha-chat' },
      'ens-synth',
    );
    expect(data.choices[0]!.message.content).toBe('Two and seven are primes.');
    expect(response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([2, 1, 0]);
    const aggregatorPrompt = JSON.stringify(fakes.alpha.requests[1]!.body);
    expect(aggregatorPrompt).toContain('Two is prime.');
    expect(aggregatorPrompt).toContain('Seven is prime.');
    expect(data.usage).toMatchObject({ prompt_tokens: 61, completion_tokens: 13 });
    expect((await runRecord('ens-synth'))['fused']).toMatchObject({
      strategy: 'synthesize',
      aggregator: 'alpha/alpha-chat',
    });
  });

  it("streams the aggregator's answer to a streaming client, usage of every call in the last chunk", async () => {
    fakes.alpha.queue(
      { type: 'text', text: 'Two is prime.', usage: usage(10, 3) },
      { type: 'text', text: 'Two and seven are primes.', usage: usage(40, 6) },
    );
    fakes.beta.queue({ type: 'text', text: 'Seven is prime.', usage: usage(11, 4) });
    const ensemble = {
      strategy: 'synthesize',
      models: ['alpha/alpha-chat', 'beta/beta-chat'],
      aggregator: 'alpha/alpha-chat',
    };
    const { text, usage: total } = await askStreamed(ensemble, 'ens-synth-stream');
    expect(text).toBe('Two and seven are primes.');
    expect(fakes.alpha.requests.at(-1)!.body).toMatchObject({ stream: true });
    expect(total).toMatchObject({ prompt_tokens: 61, completion_tokens: 13 });
  });
});

describe('ensemble: cascade', () => {
  it("stops at the fastest model's answer when the judge accepts it", async () => {
    fakes.gamma.queue({ type: 'text', text: 'Eleven is prime.' });
    const { data, response } = await ask({ strategy: 'cascade', n: 2 }, 'cascade-good');
    expect(data.choices[0]!.message.content).toBe('Eleven is prime.');
    expect(response.headers.get('x-switchboard-model')).toBe('gamma/gamma-chat');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([0, 0, 1]);
  });

  it('runs the ensemble when the judge scores the fast answer low, and returns the best', async () => {
    fakes.gamma.queue({ type: 'text', text: '' });
    fakes.alpha.queue({ type: 'text', text: 'Thirteen is prime.' });
    fakes.beta.queue({ type: 'text', text: 'Seventeen is prime.' });
    const { text } = await askStreamed({ strategy: 'cascade', n: 2 }, 'cascade-poor');
    expect(['Thirteen is prime.', 'Seventeen is prime.']).toContain(text);
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([1, 1, 1]);
    expect(fakes.gamma.requests[0]!.body).not.toMatchObject({ stream: true });
    const record = await runRecord('cascade-poor');
    expect(record['fused']).toMatchObject({ strategy: 'cascade' });
    expect(record['attempts'][0]).toMatchObject({ model: 'gamma/gamma-chat', judge: { score: 0 } });
  });
});

describe('GET /v1/runs/{run_id}', () => {
  it("answers 404 in OpenAI's shape for a run it does not know", async () => {
    const res = await fetch(`${gw.url}/v1/runs/no-such-run`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'run_not_found', type: 'invalid_request_error' } });
  });
});
