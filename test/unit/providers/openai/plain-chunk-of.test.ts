// The streamed chunk's fast path against the full normalising, differentially: over the recorded provider streams and
// generated texts (key orders, whitespace, escapes, numbers, extras, broken JSON), plainChunkOf either declines or
// gives exactly the chunk (fields, key order, wire text) that fromOpenAIChunk and isPlainChunk give.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainChunkOf } from '../../../../src/providers/openai/plain-chunk-of.js';
import { isPlainChunk } from '../../../../src/providers/openai/plain-chunk.js';
import { fromOpenAIChunk } from '../../../../src/providers/openai/stream.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import { unframed } from '../../../helpers/unframed.js';

const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };

/** What the full path makes of `text`: the chunk, `skipped` (not JSON) or `throws` (an error object). */
function full(text: string): ChatCompletionChunk | 'skipped' | 'throws' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'skipped';
  }
  try {
    const chunk = fromOpenAIChunk(parsed, defaults);
    if (isPlainChunk(parsed as Record<string, unknown>) && !text.includes('\n')) chunk[WIRE] = text;
    return chunk;
  } catch {
    return 'throws';
  }
}

/** The fast path on `text`: undefined when it declines (or the text is not JSON). */
function fastPath(text: string): ChatCompletionChunk | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return plainChunkOf(parsed, text);
}

/** Checks the property on `text`; returns whether the fast path took it. */
function agrees(text: string): boolean {
  const fast = fastPath(text);
  if (fast === undefined) return false;
  const reference = full(text);
  expect(reference, text).toBeTypeOf('object');
  const chunk = reference as ChatCompletionChunk;
  expect(chunk[WIRE], `full path relays ${text}`).toBe(text);
  expect(fast[WIRE]).toBe(text);
  // Same fields, values and key order (what JSON.stringify writes when the relay serialises a chunk).
  expect(JSON.stringify(fast), text).toBe(JSON.stringify(chunk));
  expect(unframed(fast)).toEqual(chunk);
  return true;
}

const fixtureDir = new URL('../../../fixtures/wire/openai/', import.meta.url);
const recorded = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.sse'))
  .flatMap((name) =>
    readFileSync(new URL(name, fixtureDir), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
      .map((line) => line.slice('data: '.length).trim()),
  );

const base = {
  id: 'chatcmpl-9x',
  object: 'chat.completion.chunk',
  created: 1727346176,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
  choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }],
};
type Chunkish = Record<string, unknown>;
const withChoice = (choice: Chunkish): Chunkish => ({ ...base, choices: [{ ...base.choices[0], ...choice }] });
const withDelta = (delta: Chunkish): Chunkish => withChoice({ delta });

/** A small deterministic generator, so that a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function shuffled<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `value` as JSON with its keys in a random order at every level and random whitespace between tokens. */
function scrambled(value: unknown, next: () => number, spaces = [' ', '\t', '  ']): string {
  const ws = () => (next() < 0.3 ? spaces[Math.floor(next() * spaces.length)]! : '');
  if (Array.isArray(value))
    return `[${ws()}${value.map((v) => scrambled(v, next, spaces)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (value !== null && typeof value === 'object') {
    const entries = shuffled(
      Object.entries(value).filter(([, v]) => v !== undefined),
      next,
    );
    const body = entries.map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${scrambled(v, next, spaces)}`);
    return `{${body.join(`${ws()},`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

describe('plainChunkOf against the full normalising', () => {
  it('reads every plain text chunk of the recorded provider streams, as the full parse does', () => {
    expect(recorded.length).toBeGreaterThan(20);
    const taken = recorded.filter(agrees);
    // The text and refusal streams' chunks are plain; those with tool calls or usage are left to the full parse.
    const plainText = recorded.filter((text) => {
      const chunk = full(text);
      const calls = typeof chunk === 'object' && chunk.choices.some((choice) => choice.delta.tool_calls);
      return typeof chunk === 'object' && chunk[WIRE] !== undefined && !calls && !chunk.usage;
    });
    expect(plainText.length).toBeGreaterThan(10);
    expect(taken).toEqual(plainText);
  });

  it('gives the full parse its way with key orders and whitespace', () => {
    const shapes: Chunkish[] = [
      base,
      withDelta({ role: 'assistant', content: '', refusal: null }),
      withDelta({ refusal: 'I cannot help with that.', content: null }),
      withDelta({}),
      withChoice({ finish_reason: 'stop', delta: {} }),
      { ...base, usage: null, service_tier: 'default', obfuscation: 'aB3', system_fingerprint: undefined },
      { ...base, choices: [base.choices[0], { ...base.choices[0], index: 1 }] },
      { ...base, choices: [] },
    ];
    const next = random(7);
    let taken = 0;
    for (const shape of shapes) for (let i = 0; i < 40; i++) if (agrees(scrambled(shape, next))) taken++;
    expect(taken).toBe(shapes.length * 40);
  });

  it('decodes escapes in strings as JSON.parse does: quotes, backslashes, \\u escapes, surrogate pairs', () => {
    const contents = [
      'say "hi"',
      'back\\slash',
      'tab\there\nnew line\r\f\b',
      'é and 中文 and 😀',
      '\u0000\u001f controls',
      '\ud83d\ude00 pair',
      '\ud800 lone high',
      '\udc00 lone low',
      '/ slash',
      '',
    ];
    for (const content of contents) expect(agrees(JSON.stringify(withDelta({ content })))).toBe(true);
    // Escapes written in other ways than JSON.stringify's.
    for (const written of ['"\\u0048\\u0069"', '"\\/"', '"\\uD83D\\uDE00"', '"\\ud83d\\ude00"', '"a\\u00E9b"']) {
      const text = JSON.stringify(withDelta({ content: 'X' })).replace('"X"', written);
      expect(agrees(text), text).toBe(true);
    }
    // The model and id may carry escapes too.
    expect(agrees(JSON.stringify({ ...base, model: 'org/"quoted"', id: 'a\\b' }))).toBe(true);
  });

  it('reads numbers as JSON.parse does, and declines those the full parse would change', () => {
    for (const created of ['0', '1727346176', '1.0', '1e3', '1E+3', '100e-2', '-0', '12345678901234567'])
      expect(agrees(JSON.stringify(base).replace('1727346176', created)), created).toBe(true);
    for (const created of ['1.5', '-1', '1e400', '"1"', 'null'])
      expect(fastPath(JSON.stringify(base).replace('1727346176', created)), created).toBeUndefined();
    for (const index of ['1', '0.0', '2e0'])
      expect(agrees(JSON.stringify(base).replace('"index":0', `"index":${index}`))).toBe(true);
  });

  it('declines what the full parse changes or needs more for, and what is not JSON', () => {
    const declined: string[] = [
      ...[
        withDelta({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }),
        { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
        { ...base, x_groq: { id: 'req_1' } },
        { ...base, error: { message: 'boom' } },
        { ...base, system_fingerprint: null },
        { ...base, id: '' },
        { ...base, model: '' },
        { ...base, object: 'chat.completion' },
        { ...base, id: undefined },
        { ...base, choices: undefined },
        { ...base, choices: {} },
        withChoice({ finish_reason: 'STOP' }),
        withChoice({ finish_reason: 'eos' }),
        withChoice({ finish_reason: '' }),
        withChoice({ finish_reason: undefined }),
        withChoice({ index: undefined }),
        withChoice({ index: -1 }),
        withChoice({ logprobs: { content: [] } }),
        withChoice({ delta: undefined }),
        withChoice({ delta: 'text' }),
        withDelta({ role: 'model', content: 'x' }),
        withDelta({ role: null, content: 'x' }),
        withDelta({ content: [{ type: 'text', text: 'x' }] }),
        withDelta({ content: 1 }),
        withDelta({ refusal: false }),
        [base],
        'text',
      ].map((value) => JSON.stringify(value)),
      // A chunk over several lines.
      JSON.stringify(base, null, 1),
      // Not JSON.
      JSON.stringify(base).replace('"Hello"', '"Hel\nlo"'),
      JSON.stringify(base).replace('"Hello"', '"Hel\\qlo"'),
      JSON.stringify(base).replace('"Hello"', '"Hel\\u12"'),
      JSON.stringify({ ...base, extra: 'x' }).replace('"x"', '[1,]'),
      JSON.stringify({ ...base, extra: 'x' }).replace('"x"', '{"a":}'),
      JSON.stringify({ ...base, extra: 'x' }).replace('"x"', 'tru'),
      JSON.stringify({ ...base, extra: 'x' }).replace('"x"', '01'),
      JSON.stringify({ ...base, extra: 'x' }).replace('"x"', '.5'),
      `${JSON.stringify(base)}}`,
      `${JSON.stringify(base)} x`,
      JSON.stringify(base).replace('{', '{,'),
    ];
    for (const text of declined) expect(fastPath(text), text).toBeUndefined();
  });

  it('takes a field written twice and keys with escapes as JSON.parse reads them', () => {
    for (const text of [
      JSON.stringify(base).replace('"model"', '"model":"a","model"'),
      JSON.stringify(base).replace('"index":0', '"index":0,"index":1'),
      JSON.stringify(base).replace('"content"', '"content":"a","content"'),
      JSON.stringify(base).replace('"model"', '"mod\\u0065l"'),
      JSON.stringify({ ...base, 'key "with" escapes': 1 }),
    ])
      expect(agrees(text), text).toBe(true);
  });

  it('skips the extras it does not model, nested and of every JSON kind', () => {
    const extras = {
      service_tier: 'default',
      obfuscation: 'x"y\\z',
      nested: { a: [1, -2.5e3, true, false, null, { b: [] }, 'c'], d: {} },
      'key with spaces and é': 1,
      __proto__value: { content: 'not this one' },
    };
    expect(agrees(JSON.stringify({ ...base, ...extras }))).toBe(true);
    expect(agrees(JSON.stringify(withChoice({ extra: extras })))).toBe(true);
    expect(agrees(JSON.stringify(withDelta({ content: 'a', reasoning_content: 'hm', function_call: null })))).toBe(
      true,
    );
    expect(agrees(JSON.stringify(base).replace('"model"', '"__proto__":{"content":"x"},"model"'))).toBe(true);
    const deep = JSON.stringify({ ...base, extra: 'x' }).replace('"x"', `${'['.repeat(100)}${']'.repeat(100)}`);
    expect(agrees(deep)).toBe(true);
  });

  it('never disagrees on cut or mutated texts', () => {
    const next = random(42);
    const sources = [
      ...recorded,
      JSON.stringify({ ...base, usage: null, service_tier: 'default', extra: { a: [1, 'x', null] } }),
    ];
    const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '1', 'e', '-', '.', 'n', 'u', 'x', '\n'];
    let checked = 0;
    for (const source of sources) {
      // Every prefix: none but the whole text is JSON.
      for (let end = 0; end < source.length; end++) expect(fastPath(source.slice(0, end))).toBeUndefined();
      for (let i = 0; i < 60; i++) {
        const at = Math.floor(next() * source.length);
        const char = alphabet[Math.floor(next() * alphabet.length)]!;
        const mode = next();
        const text =
          mode < 0.4
            ? source.slice(0, at) + char + source.slice(at + 1)
            : mode < 0.8
              ? source.slice(0, at) + char + source.slice(at)
              : source.slice(0, at) + source.slice(at + 1);
        const fast = fastPath(text);
        if (fast === undefined) continue;
        agrees(text);
        checked++;
      }
    }
    // Some mutations keep a valid plain chunk (a digit in a string, a space between tokens): those were compared.
    expect(checked).toBeGreaterThan(50);
  });
});
