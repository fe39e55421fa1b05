// End to end: the second opinion on a classification (routing.llmClassifier). Below classifierMinConfidence a fast
// model labels the prompt and its label decides the rule that matches; never in fastest mode; a classifier model that
// fails or is too slow leaves the learned label; a repeated prompt is answered from the cache.
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/fake-upstream.js';
import { startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

const isClassifying = (req: RecordedRequest): boolean => JSON.stringify(req.body).includes('Classify the user message');
const classifying = (): RecordedRequest[] => fakes.alpha.requests.filter(isClassifying);

beforeAll(async () => {
  fakes = await startThreeProtocols();
  gw = await startTestGateway({
    providers: fakes.providers,
    routing: {
      // Every prompt is "unsure" at 1: the second opinion is always asked for (outside fastest mode).
      classifierMinConfidence: 1,
      llmClassifier: { model: 'alpha/alpha-chat', timeoutMs: 300 },
      rules: [{ name: 'code-to-beta', when: { task: ['code'] }, prefer: ['beta/beta-chat'] }],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});
beforeEach(() => {
  for (const fake of [fakes.alpha, fakes.beta, fakes.gamma]) fake.requests.length = 0;
  fakes.alpha.setFallback((req) =>
    isClassifying(req)
      ? { type: 'text', text: '{"task": "code", "domain": "general"}' }
      : { type: 'text', text: 'an answer from alpha' },
  );
});

let runs = 0;
/** Asks `content` in `mode`, under a run id of its own, so that the run's record tells how it was classified. */
async function ask(content: string, mode: string) {
  const runId = `llm-classifier-${++runs}`;
  const { data, response } = await gw.client.chat.completions
    .create(
      {
        model: 'auto',
        model_quality: mode,
        messages: [{ role: 'user', content }],
      } as OpenAI.ChatCompletionCreateParamsNonStreaming,
      { headers: { 'x-switchboard-run-id': runId } },
    )
    .withResponse();
  const record = (await (await fetch(`${gw.url}/v1/runs/${runId}`)).json()) as {
    classification: Record<string, unknown>;
  };
  return { data, response, classification: record.classification };
}

describe('LLM classifier', () => {
  it('labels an unsure prompt: its task picks the rule, and the prompt it saw is the user message', async () => {
    const { response, classification } = await ask('so what do you make of this one, honestly?', 'balanced');
    expect(classification).toMatchObject({ task: 'code', domain: 'general', classified_by: 'alpha/alpha-chat' });
    expect(classification['confidence']).toBeGreaterThan(0);
    expect(response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect(classifying()).toHaveLength(1);
    expect(JSON.stringify(classifying()[0]!.body)).toContain('what do you make of this one');
    // The same prompt again: the answer is remembered, the model is not asked twice.
    const again = await ask('so what do you make of this one, honestly?', 'balanced');
    expect(again.response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect(classifying()).toHaveLength(1);
  });

  it('is never asked in fastest mode', async () => {
    const { classification } = await ask('tell me something about this, whatever you like', 'fastest');
    expect(classification['classified_by']).toBeUndefined();
    expect(classification['task']).not.toBe('code');
    expect(classifying()).toHaveLength(0);
  });

  it('keeps the learned label when the classifier model fails or is too slow: it never fails the request', async () => {
    fakes.alpha.setFallback((req) =>
      isClassifying(req) ? { type: 'error', status: 500 } : { type: 'text', text: 'an answer from alpha' },
    );
    const failed = await ask('hey, how was your weekend? mine was quiet', 'balanced');
    expect(failed.data.choices[0]!.message.content).toBeTruthy();
    expect(failed.classification['classified_by']).toBeUndefined();
    expect(failed.classification['task']).toBe('chat');
    expect(classifying().length).toBeGreaterThanOrEqual(1);

    fakes.alpha.setFallback((req) =>
      isClassifying(req) ? { type: 'hang' } : { type: 'text', text: 'an answer from alpha' },
    );
    const slow = await ask('hey, how was your week? mine was long', 'balanced');
    expect(slow.data.choices[0]!.message.content).toBeTruthy();
    expect(slow.classification['classified_by']).toBeUndefined();
    expect(slow.classification['task']).toBe('chat');
  });
});
