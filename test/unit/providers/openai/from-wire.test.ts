// Upstream JSON → ChatCompletion, replayed on the recorded OpenAI and Groq bodies, plus error bodies and odd servers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { fromOpenAICompletion, normalizeFinishReason } from '../../../../src/providers/openai/from-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/wire/openai/${name}`, import.meta.url), 'utf8'));
const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };

const OPENAI_BODIES = [
  'openai-python_chat_completion_text.json',
  'openai-python_chat_completion_tool_call.json',
  'openai-python_chat_completion_parallel_tool_calls.json',
  'openai-python_chat_completion_finish_length.json',
  'openai-python_chat_completion_refusal.json',
  'vercel-ai_openai-text.json',
];

function thrown(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

describe('fromOpenAICompletion on recorded bodies', () => {
  it.each(OPENAI_BODIES)('%s keeps what the body says and validates against the schema', (name) => {
    const raw = fixture(name);
    const out = fromOpenAICompletion(raw, defaults);
    const rawChoice = raw.choices[0];
    expect(out).toMatchObject({
      id: raw.id,
      object: 'chat.completion',
      created: raw.created,
      model: raw.model,
      system_fingerprint: raw.system_fingerprint,
    });
    expect(out.choices).toHaveLength(1);
    expect(out.choices[0]!.message.content).toBe(rawChoice.message.content);
    expect(out.choices[0]!.message.refusal).toBe(rawChoice.message.refusal);
    expect(out.choices[0]!.message.tool_calls).toEqual(rawChoice.message.tool_calls);
    expect(out.choices[0]!.finish_reason).toBe(rawChoice.finish_reason);
    expect(out.usage).toEqual({
      prompt_tokens: raw.usage.prompt_tokens,
      completion_tokens: raw.usage.completion_tokens,
      total_tokens: raw.usage.total_tokens,
    });
    expect(schemaErrors.completion(out)).toEqual([]);
  });

  it('keeps both parallel tool calls with ids, names and argument strings', () => {
    const out = fromOpenAICompletion(fixture('openai-python_chat_completion_parallel_tool_calls.json'), defaults);
    const calls = out.choices[0]!.message.tool_calls ?? [];
    expect(calls.map((c) => [c.id, c.function.name])).toEqual([
      ['call_fdNz3vOBKYgOIpMdWotB9MjY', 'GetWeatherArgs'],
      ['call_h1DWI1POMJLb0KwIyQHWXD4p', 'get_stock_price'],
    ]);
    expect(JSON.parse(calls[1]!.function.arguments)).toEqual({ ticker: 'AAPL', exchange: 'NASDAQ' });
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('drops OpenAI extras the gateway does not pass on (annotations, service_tier, token details)', () => {
    const out = fromOpenAICompletion(fixture('vercel-ai_openai-text.json'), defaults) as any;
    expect(out.service_tier).toBeUndefined();
    expect(out.choices[0].message.annotations).toBeUndefined();
    expect(out.usage.completion_tokens_details).toBeUndefined();
  });

  it('makes the Groq body valid: content and refusal added, x_groq, usage_breakdown and service_tier dropped', () => {
    const raw = fixture('vercel-ai_groq-tool-call.json');
    expect(schemaErrors.completion(raw).length).toBeGreaterThan(0);
    const out = fromOpenAICompletion(raw, defaults) as any;
    expect(schemaErrors.completion(out)).toEqual([]);
    expect(out.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'ax9fskhev', type: 'function', function: { name: 'weather', arguments: '{}' } }],
    });
    expect(out.usage).toEqual({ prompt_tokens: 218, completion_tokens: 15, total_tokens: 233 });
    expect([out.x_groq, out.usage_breakdown, out.service_tier]).toEqual([undefined, undefined, undefined]);
  });
});

describe('fromOpenAICompletion on errors and odd servers', () => {
  it('throws a bad_request ProviderError for the recorded unsupported-parameter error, message and code kept', () => {
    const raw = fixture('vercel-ai_error_unsupported_parameter.json');
    const err = thrown(() => fromOpenAICompletion(raw, defaults));
    expect(err.kind).toBe('bad_request');
    expect(err.message).toBe(raw.error.message);
    expect(err.upstreamCode).toBe('unsupported_parameter');
  });

  it('reads the status an error object states (OpenRouter) and the kind its code implies', () => {
    const limited = thrown(() =>
      fromOpenAICompletion({ error: { code: 429, message: 'Rate limit exceeded: free-models-per-day' } }, defaults),
    );
    expect([limited.kind, limited.status]).toEqual(['rate_limit', 429]);
    const long = thrown(() =>
      fromOpenAICompletion(
        { error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' } },
        defaults,
      ),
    );
    expect(long.kind).toBe('context_length');
    const bare = thrown(() => fromOpenAICompletion({ error: 'internal failure' }, defaults));
    expect([bare.kind, bare.message]).toEqual(['server', 'internal failure']);
  });

  it('throws a server error for a body with no choices or that is not an object', () => {
    const { choices: _c, ...noChoices } = fixture('openai-python_chat_completion_text.json');
    expect(thrown(() => fromOpenAICompletion(noChoices, defaults)).kind).toBe('server');
    expect(thrown(() => fromOpenAICompletion({ ...noChoices, choices: [] }, defaults)).message).toMatch(/no choices/);
    expect(thrown(() => fromOpenAICompletion('oops', defaults)).kind).toBe('server');
  });

  it('fills missing id/model/created, joins content parts, stringifies object arguments and computes total_tokens', () => {
    const out = fromOpenAICompletion(
      {
        choices: [
          {
            message: {
              role: 'assistant',
              content: [
                { type: 'thinking', thinking: [] },
                { type: 'text', text: 'Hel' },
                { type: 'text', text: 'lo' },
              ],
              tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }],
            },
            finish_reason: 'eos',
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      },
      defaults,
    );
    expect(out).toMatchObject({ id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 });
    expect(out.choices[0]!.message.content).toBe('Hello');
    expect(out.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    ]);
    expect(out.choices[0]!.finish_reason).toBe('stop');
    expect(out.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(schemaErrors.completion(out)).toEqual([]);
  });
});

describe('normalizeFinishReason', () => {
  it.each([
    ['stop', false, 'stop'],
    ['eos', false, 'stop'],
    ['end_turn', false, 'stop'],
    ['MAX_TOKENS', false, 'length'],
    ['model_length', false, 'length'],
    ['tool_use', false, 'tool_calls'],
    ['SAFETY', false, 'content_filter'],
    [null, true, 'tool_calls'],
    [null, false, 'stop'],
    ['something_new', true, 'tool_calls'],
    ['something_new', false, 'stop'],
    ['stop', true, 'stop'],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasTools, expected) => {
    expect(normalizeFinishReason(raw, hasTools)).toBe(expected);
  });
});
