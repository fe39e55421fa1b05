// The LLM classifier's parsing of replies, its cache of answers, and its time budget.
import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../../src/providers/types.js';
import { createLlmClassifier, parseOpinion, type AskModel } from '../../../src/routing/llm-classifier.js';

const reply = (content: string): ChatCompletion =>
  ({
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
  }) as ChatCompletion;

describe('parseOpinion', () => {
  it('reads a JSON object, fenced or not, a bare task name, and nothing else', () => {
    expect(parseOpinion('{"task": "math", "domain": "finance"}')).toEqual({ task: 'math', domain: 'finance' });
    expect(parseOpinion('```json\n{"task":"Code"}\n```')).toEqual({ task: 'code', domain: 'general' });
    expect(parseOpinion('I think this is translation.')).toEqual({ task: 'translation', domain: 'general' });
    expect(parseOpinion('{"task": "poetry", "domain": "legal"}')).toBeUndefined();
    expect(parseOpinion('no idea')).toBeUndefined();
  });
});

describe('createLlmClassifier', () => {
  it('asks once per prompt, remembers at most cacheSize answers, and clips a long prompt', async () => {
    const asked: string[] = [];
    const ask: AskModel = async (request) => {
      asked.push(String(request.messages.at(-1)!.content));
      return reply('{"task": "code", "domain": "general"}');
    };
    const classifier = createLlmClassifier({ model: 'a/m', timeoutMs: 1000, cacheSize: 1 });
    const signal = new AbortController().signal;
    expect(await classifier.classify('one', ask, signal)).toEqual({ task: 'code', domain: 'general' });
    await classifier.classify('one', ask, signal);
    expect(asked).toHaveLength(1);
    await classifier.classify('two', ask, signal);
    await classifier.classify('one', ask, signal); // forgotten: the cache holds one
    expect(asked).toHaveLength(3);
    await classifier.classify('x'.repeat(10_000), ask, signal);
    expect(asked.at(-1)!.length).toBeLessThan(2000);
  });

  it('gives no opinion when the model fails, says nothing usable, or takes longer than its budget', async () => {
    const classifier = createLlmClassifier({ model: 'a/m', timeoutMs: 50, cacheSize: 10 });
    const signal = new AbortController().signal;
    expect(await classifier.classify('a', async () => Promise.reject(new Error('500')), signal)).toBeUndefined();
    expect(await classifier.classify('b', async () => reply('hmm'), signal)).toBeUndefined();
    const never: AskModel = () => new Promise(() => {});
    expect(await classifier.classify('c', never, signal)).toBeUndefined();
  });
});
