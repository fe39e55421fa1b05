// End to end: the optional LLM judge (routing.llmJudge) grades answers in best_quality mode: a low grade falls back
// to the next model, a good one is returned; other modes are not graded.
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

beforeAll(async () => {
  fakes = await startThreeProtocols();
  gw = await startTestGateway({
    providers: fakes.providers,
    // The tests know which model answers first (alpha, 0.9): the bandit (on by default) would draw beta now and then,
    // and balanced's steering (on by default) would lean an easy prompt to the faster model.
    routing: {
      llmJudge: { model: 'gamma/gamma-chat', modes: ['best_quality'] },
      bandit: { enabled: false },
      complexity: { span: 0 },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});
beforeEach(() => {
  for (const fake of [fakes.alpha, fakes.beta, fakes.gamma]) fake.requests.length = 0;
});

const question = { messages: [{ role: 'user' as const, content: 'What is the capital of Australia?' }] };

describe('LLM judge', () => {
  it('falls back when the grader scores the answer low, and returns the next answer it scores well', async () => {
    fakes.alpha.queue({ type: 'text', text: 'The capital of Australia is Sydney.' });
    fakes.beta.queue({ type: 'text', text: 'The capital of Australia is Canberra.' });
    fakes.gamma.queue(
      { type: 'text', text: '{"score": 2, "reason": "Sydney is not the capital"}' },
      { type: 'text', text: '```json\n{"score": 9, "reason": "correct"}\n```' },
    );
    const { data, response } = await gw.client.chat.completions
      .create({
        model: 'auto',
        model_quality: 'best_quality',
        ...question,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('The capital of Australia is Canberra.');
    expect(response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect([fakes.alpha.requests.length, fakes.beta.requests.length, fakes.gamma.requests.length]).toEqual([1, 1, 2]);
    // The grader saw the question and the answer it graded.
    const graded = JSON.stringify(fakes.gamma.requests[0]!.body);
    expect(graded).toContain('capital of Australia');
    expect(graded).toContain('Sydney');
  });

  it('does not grade in other modes', async () => {
    fakes.alpha.queue({ type: 'text', text: 'The capital of Australia is Sydney.' });
    const { response } = await gw.client.chat.completions
      .create({
        model: 'auto',
        model_quality: 'balanced',
        ...question,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');
    expect(fakes.gamma.requests).toHaveLength(0);
  });

  it('keeps the answer when the grader fails: grading never fails a request', async () => {
    fakes.alpha.queue({ type: 'text', text: 'The capital of Australia is Canberra.' });
    fakes.gamma.queue({ type: 'error', status: 500 });
    const { response } = await gw.client.chat.completions
      .create({
        model: 'auto',
        model_quality: 'best_quality',
        ...question,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');
    expect(fakes.gamma.requests).toHaveLength(1);
    expect(fakes.beta.requests).toHaveLength(0);
  });
});
