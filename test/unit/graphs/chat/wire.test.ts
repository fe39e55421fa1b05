// The relay's wire texts (graphs/chat/wire.ts, respond.ts): a chunk that keeps the upstream's text is sent as that
// text with the public model id spliced in and usage as the client asked; one the relay must change otherwise loses it.
import { describe, expect, it } from 'vitest';
import { streamToClient, type RespondInfo } from '../../../../graphs/chat/respond.js';
import { createWireSplicer } from '../../../../graphs/chat/wire.js';
import { createEventBus, createRunEmitter } from '../../../../src/events/publisher.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import type { Classification } from '../../../../src/routing/types.js';

const REF = 'p/model';
const info = (): RespondInfo => ({
  ref: REF,
  attempts: 1,
  classification: { promptTokens: () => 3 } as Classification,
  emitter: createRunEmitter(createEventBus(), 'run-1'),
});

/** A parsed chunk carrying `text` as its wire text, as the OpenAI adapter makes it. */
function wired(text: string): ChatCompletionChunk {
  const raw = JSON.parse(text) as ChatCompletionChunk;
  const chunk: ChatCompletionChunk = {
    id: raw.id,
    object: 'chat.completion.chunk',
    created: raw.created,
    model: raw.model,
    choices: raw.choices.map((c) => ({ index: c.index, delta: c.delta, finish_reason: c.finish_reason })),
  };
  chunk[WIRE] = text;
  return chunk;
}

const done = (): AsyncIterator<ChatCompletionChunk> => ({ next: async () => ({ done: true, value: undefined }) });

async function sent(head: ChatCompletionChunk[], includeUsage: boolean): Promise<Array<string | undefined>> {
  const out: Array<string | undefined> = [];
  for await (const chunk of streamToClient(head, done(), info(), { includeUsage })) out.push(chunk[WIRE]);
  return out;
}

const first =
  '{"id":"c1","object":"chat.completion.chunk","created":5,"model":"up","x":{"k":1},"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}';

describe('wire texts through the relay', () => {
  it("sends the upstream's text with the public model id, extras untouched, usage null only when asked", async () => {
    const spliced = first.replace('"model":"up"', `"model":"${REF}"`);
    expect(await sent([wired(first)], false)).toEqual([spliced]);
    // The last chunk, the usage the gateway counted, is its own: serialised.
    expect(await sent([wired(first)], true)).toEqual([`${spliced.slice(0, -1)},"usage":null}`, undefined]);
    // What the text says is what the chunk says, but for the extras.
    const [text] = await sent([wired(first)], true);
    const { x, ...rest } = JSON.parse(text!) as Record<string, unknown>;
    expect(x).toEqual({ k: 1 });
    expect(rest).toMatchObject({ id: 'c1', created: 5, model: REF, usage: null });
  });

  it("drops it from a chunk whose id or created the relay rewrites to the stream's first", async () => {
    const other = wired(first.replace('"id":"c1"', '"id":"c2"'));
    const later = wired(first.replace('"created":5', '"created":6'));
    const texts = await sent([wired(first), other, later], false);
    expect(texts[0]).toBeDefined();
    expect(texts.slice(1)).toEqual([undefined, undefined]);
  });

  it('splices usage null in or out, and gives up on usage that is not null or a pair it cannot find once', () => {
    const withNull = first.replace('"x":{"k":1},', '"usage":null,');
    const spliceAsked = createWireSplicer(true);
    const spliceNot = createWireSplicer(false);
    expect(spliceAsked(withNull, 'up', 'a/b')).toBe(withNull.replace('"up"', '"a/b"'));
    expect(spliceNot(withNull, 'up', 'a/b')).toBe(withNull.replace('"up"', '"a/b"').replace('"usage":null,', ''));
    expect(spliceNot(`${first.slice(0, -1)},"usage":null}`, 'up', 'up')).toBe(first);
    const counted = first.replace('"x":{"k":1},', '"usage":{"prompt_tokens":1},');
    expect(spliceNot(counted, 'up', 'a/b')).toBeUndefined();
    expect(spliceNot(first.replace('"model":"up"', '"model": "up"'), 'up', 'a/b')).toBeUndefined();
    expect(spliceNot(first.replace('"x":{"k":1}', '"x":{"model":"up"}'), 'up', 'a/b')).toBeUndefined();
    // The model's name inside a text is not the pair: its quotes are escaped.
    const quoted = first.replace('"Hi"', '"say \\"model\\":\\"up\\""');
    expect(spliceNot(quoted, 'up', 'a/b')).toBe(quoted.replace('"model":"up"', '"model":"a/b"'));
  });
});
