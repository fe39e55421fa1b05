// End to end: the second opinion on a classification (routing.llmClassifier). Below classifierMinConfidence a fast
// model labels the prompt and its label decides the rule that matches; never in fastest mode; a classifier model that
// fails or is too slow leaves the learned label; a repeated prompt is answered from the cache.
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
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

  it('shows in explain who classified: the learned classifier, then the remembered answer once a request took it', async () => {
    const prompt = 'what would you say about that one, all things considered?';
    const explain = async (mode: string) => {
      const res = await fetch(`${gw.url}/v1/routing/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', model_quality: mode, messages: [{ role: 'user', content: prompt }] }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as RoutingExplanation;
    };
    const before = await explain('balanced');
    expect(before.classifier).toMatchObject({
      by: 'learned',
      minConfidence: 1,
      secondOpinion: { model: 'alpha/alpha-chat', wanted: true, taken: false },
    });
    expect(before.classifier.confidence).toBe(before.confidence);
    expect(before.task).not.toBe('code');
    // Explain calls no model; a request does, and its answer is remembered for the prompt.
    expect(classifying()).toHaveLength(0);
    await ask(prompt, 'balanced');
    const after = await explain('balanced');
    expect(after.classifier).toMatchObject({
      by: 'llm',
      secondOpinion: { wanted: true, taken: true, task: 'code', domain: 'general' },
    });
    expect(after).toMatchObject({ task: 'code', rule: 'code-to-beta' });
    expect(after.candidates[0]!.model).toBe('beta/beta-chat');
    // In fastest mode a request would not ask, so the remembered answer is not used either.
    const fastest = await explain('fastest');
    expect(fastest.classifier).toMatchObject({ by: 'learned', secondOpinion: { wanted: false, taken: false } });
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
