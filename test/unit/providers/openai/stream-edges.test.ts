// Synthetic SSE edge cases: in-stream errors, early ends, junk data, preambles, [DONE] and finish-reason repair.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { readOpenAIStream } from '../../../../src/providers/openai/stream.js';
import type { ChatCompletionChunk } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };
const enc = new TextEncoder();

async function* body(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield enc.encode(part);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of readOpenAIStream(source, defaults)) out.push(chunk);
  return out;
}

const line = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const chunkOf = (delta: object, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

async function failure(text: string): Promise<ProviderError> {
  const err = await collect(body(text)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('readOpenAIStream edge cases', () => {
  it('throws the matching ProviderError for an error object inside the stream', async () => {
    const limited = await failure(
      line(chunkOf({ content: 'Hi' })) +
        line({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    );
    expect([limited.kind, limited.message]).toEqual(['rate_limit', 'Rate limit reached']);
    const upstream = await failure(line({ error: { code: 502, message: 'Provider returned error' } }));
    expect([upstream.kind, upstream.status]).toEqual(['server', 502]);
  });

  it('throws network "upstream stream ended early" when the body closes before any finish_reason', async () => {
    const err = await failure(line(chunkOf({ role: 'assistant', content: '' })) + line(chunkOf({ content: 'Hel' })));
    expect([err.kind, err.message]).toEqual(['network', 'upstream stream ended early']);
  });

  it('throws server "upstream answer has no choices" when no chunk before [DONE] carried a choice', async () => {
    // What the same answer unstreamed throws (from-wire.ts): an empty stream is not an empty answer.
    for (const text of [
      `${line({ id: 'x', object: 'chat.completion.chunk', choices: [] })}data: [DONE]\n\n`,
      `${line({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 } })}data: [DONE]\n\n`,
      'data: [DONE]\n\n',
    ]) {
      const err = await failure(text);
      expect([err.kind, err.status, err.message]).toEqual(['server', 200, 'upstream answer has no choices']);
    }
  });

  it('accepts a body that closes without [DONE] once a finish_reason was seen', async () => {
    const chunks = await collect(body(line(chunkOf({ content: 'Hi' })), line(chunkOf({}, 'length'))));
    expect(chunks.map((c) => c.choices[0]!.finish_reason)).toEqual([null, 'length']);
  });

  it('skips non-JSON data, comments and empty preamble chunks without failing', async () => {
    const text =
      ': OPENROUTER PROCESSING\n\n' +
      line({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [] }) +
      'data: keep-alive\n\n' +
      line(chunkOf({ content: 'Hi' })) +
      line(chunkOf({}, 'stop')) +
      'data: [DONE]\n\n';
    const chunks = await collect(body(text));
    expect(chunks.map((c) => [c.choices[0]?.delta.content, c.choices[0]?.finish_reason])).toEqual([
      ['Hi', null],
      [undefined, 'stop'],
    ]);
  });

  it('ends at [DONE]: what follows is read after the end and dropped, a failure there included', async () => {
    let readPast = false;
    async function* tooLong(): AsyncGenerator<Uint8Array> {
      yield enc.encode(`${line(chunkOf({ content: 'Hi' }, 'stop'))}data: [DONE]\n\n`);
      yield enc.encode(line(chunkOf({ content: 'after the end' }, 'stop')));
      readPast = true;
      throw new Error('read past [DONE]');
    }
    expect(await collect(tooLong())).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(readPast).toBe(true);
  });

  it('lets a body go that goes on after [DONE] for more than a few reads', async () => {
    let reads = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield enc.encode(`${line(chunkOf({ content: 'Hi' }, 'stop'))}data: [DONE]\n\n`);
        for (;;) {
          reads++;
          yield enc.encode(': keep-alive\n\n');
        }
      } finally {
        closed = true;
      }
    }
    expect(await collect(endless())).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(true);
    expect(reads).toBeLessThan(100);
  });

  it('lets the body go when the reader is dropped or the stream fails, before the failure is passed on', async () => {
    const events: string[] = [];
    async function* tracked(...parts: string[]): AsyncGenerator<Uint8Array> {
      try {
        for (const part of parts) yield enc.encode(part);
        events.push('ended');
      } finally {
        events.push('closed');
      }
    }
    const two = line(chunkOf({ content: 'Hi' })) + line(chunkOf({ content: 'there' }));
    // Dropped after its first chunk, with more of the read in hand and more reads to come.
    for await (const _ of readOpenAIStream(tracked(two, two), defaults)) break;
    expect(events.splice(0)).toEqual(['closed']);
    // An error object: the body is closed before the error reaches the reader.
    const err = line({ error: { message: 'overloaded', type: 'server_error' } });
    await expect(
      (async () => {
        for await (const _ of readOpenAIStream(tracked(two, err, two), defaults)) events.push('chunk');
      })().finally(() => events.push('failed')),
    ).rejects.toThrow('overloaded');
    expect(events.splice(0)).toEqual(['chunk', 'chunk', 'closed', 'failed']);
    // A stream that ends early was read to its end; nothing is read after the end, and next() stays done.
    const early = readOpenAIStream(tracked(two), defaults);
    await expect(
      (async () => {
        for await (const _ of early) events.push('chunk');
      })(),
    ).rejects.toThrow('ended early');
    expect(events.splice(0)).toEqual(['chunk', 'chunk', 'ended', 'closed']);
    expect(await early.next()).toEqual({ done: true, value: undefined });
    // A read that fails: the error passed on as the body's, once.
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield enc.encode(two);
      throw new ProviderError('upstream went silent mid-response', { kind: 'timeout', status: 0 });
    }
    const reader = readOpenAIStream(broken(), defaults);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of reader) got.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow('went silent');
    expect(got).toEqual(['Hi', 'there']);
    expect(await reader.next()).toEqual({ done: true, value: undefined });
    // Dropped before its first read: the body is never read.
    const unread = readOpenAIStream(tracked(two), defaults);
    expect(await unread.return?.()).toEqual({ done: true, value: undefined });
    expect(events).toEqual([]);
  });

  it('maps an unknown finish reason to tool_calls after tool-call deltas, and fills defaults', async () => {
    const text =
      line({
        choices: [{ index: 0, delta: { tool_calls: [{ id: 't1', function: { name: 'f', arguments: '{}' } }] } }],
      }) + line({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_use' }] });
    const chunks = await collect(body(text));
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 });
    expect(chunks[0]!.choices[0]!.delta.tool_calls).toEqual([
      { index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
    expect(chunks[1]!.choices[0]!.finish_reason).toBe('tool_calls');
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
  });
});
