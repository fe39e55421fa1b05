// What the client receives of an answer (graphs/chat/respond.ts): the public model id, one id per stream, usage passed
// on only when asked (counted when the provider sent none), run events, and a broken stream finished by another
// model or ended with an error, never cut silently.
import { describe, expect, it } from 'vitest';
import type { Continued } from '../../../../graphs/chat/continue.js';
import {
  finishCompletion,
  streamToClient,
  type RespondInfo,
  type StreamOptions,
} from '../../../../graphs/chat/respond.js';
import { createEventBus, createRunEmitter } from '../../../../src/events/publisher.js';
import type { RunEvent } from '../../../../src/events/types.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../../../../src/providers/types.js';
import type { Classification } from '../../../../src/routing/types.js';

const REF = 'p/model';
const PROMPT_TOKENS = 7;

function infoWithEvents(): { info: RespondInfo; events: RunEvent[] } {
  const bus = createEventBus();
  const events: RunEvent[] = [];
  bus.attach((event) => events.push(event));
  const classification = { promptTokens: () => PROMPT_TOKENS } as Classification;
  return { info: { ref: REF, attempts: 2, classification, emitter: createRunEmitter(bus, 'run-1') }, events };
}

let n = 0;
const chunk = (content: string | undefined, extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
  id: `upstream-${++n}`,
  object: 'chat.completion.chunk',
  created: n,
  model: 'upstream-id',
  choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: null }],
  ...extra,
});
const finish = (): ChatCompletionChunk => ({
  ...chunk(undefined),
  choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
});
const usageChunk = (usage: Usage): ChatCompletionChunk => ({ ...chunk(undefined), choices: [], usage });

function iterate(chunks: ChatCompletionChunk[], failAfter?: Error): AsyncIterator<ChatCompletionChunk> {
  let i = 0;
  return {
    async next() {
      if (i < chunks.length) return { done: false, value: chunks[i++]! };
      if (failAfter !== undefined) throw failAfter;
      return { done: true, value: undefined };
    },
  };
}

interface Read {
  chunks: ChatCompletionChunk[];
  error?: Error;
}

/** What the client would have read of `stream`, and the error it ended with, if any. */
async function collect(stream: AsyncGenerator<ChatCompletionChunk>): Promise<Read> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const c of stream) chunks.push(structuredClone(c));
    return { chunks };
  } catch (error) {
    return { chunks, error: error as Error };
  }
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const types = (events: RunEvent[]) => events.map((e) => e.type);

describe('finishCompletion', () => {
  it('names the model `provider/model` and emits run_finished with the attempts and usage', () => {
    const { info, events } = infoWithEvents();
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const completion = { id: 'c', object: 'chat.completion', created: 0, model: 'upstream-id', choices: [], usage };
    expect(finishCompletion(completion as ChatCompletion, info)).toBe(completion);
    expect(completion.model).toBe(REF);
    expect(events.map((e) => [e.type, e.data])).toEqual([['run_finished', { model: REF, attempts: 2, usage }]]);
  });
});

describe('streamToClient', () => {
  const options = (extra: Partial<StreamOptions> = {}): StreamOptions => ({ includeUsage: false, ...extra });

  it("relays head then rest under the public model id and the first chunk's id, a token event each", async () => {
    const { info, events } = infoWithEvents();
    const head = [chunk('Hel')];
    const { chunks } = await collect(streamToClient(head, iterate([chunk('lo'), finish()]), info, options()));
    expect(text(chunks)).toBe('Hello');
    const identities = new Set(chunks.map((c) => `${c.model} ${c.id} ${c.created}`));
    expect(identities).toEqual(new Set([`${REF} ${head[0]!.id} ${head[0]!.created}`]));
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(events.filter((e) => e.type === 'token').map((e) => e.data)).toEqual([{ text: 'Hel' }, { text: 'lo' }]);
    expect(types(events).at(-1)).toBe('run_finished');
  });

  it("sends the provider's usage as a last chunk only when asked, the others with usage: null", async () => {
    const usage = { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 };
    const upstream = () => iterate([finish(), usageChunk(usage)]);
    const { info: askedInfo } = infoWithEvents();
    const asked = await collect(streamToClient([chunk('Hi')], upstream(), askedInfo, options({ includeUsage: true })));
    expect(asked.chunks.at(-1)).toMatchObject({ choices: [], usage, model: REF });
    expect(asked.chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const { info, events } = infoWithEvents();
    const quiet = await collect(streamToClient([chunk('Hi')], upstream(), info, options()));
    expect(quiet.chunks.every((c) => c.choices.length > 0 && !('usage' in c))).toBe(true);
    // The run's usage is known either way.
    expect(events.find((e) => e.type === 'run_finished')!.data).toEqual({ model: REF, attempts: 2, usage });
  });

  it('counts the usage when the provider sent none, and adds that of other calls behind the answer', async () => {
    const extraUsage = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };
    const { info } = infoWithEvents();
    const withExtra = options({ includeUsage: true, extraUsage });
    const stream = streamToClient([chunk('Hello world')], iterate([finish()]), info, withExtra);
    const { chunks } = await collect(stream);
    const usage = chunks.at(-1)!.usage!;
    expect(usage.prompt_tokens).toBe(PROMPT_TOKENS + 100);
    expect(usage.completion_tokens).toBeGreaterThan(10);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('tells onEnd that a whole stream ended well', async () => {
    const ends: unknown[] = [];
    const onEnd = (end: unknown) => ends.push(end);
    await collect(streamToClient([chunk('Hi')], iterate([finish()]), infoWithEvents().info, options({ onEnd })));
    expect(ends).toEqual([{ ok: true }]);
  });

  it('finishes a stream broken after text on the next model: no second role, the repeat trimmed', async () => {
    const { info, events } = infoWithEvents();
    const partials: string[] = [];
    const continued: Continued = {
      ref: 'q/next',
      chunks: iterate([
        { ...chunk(undefined), choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] },
        chunk('quick brown fox'),
        chunk(' jumps'),
        finish(),
      ]),
    };
    const ends: unknown[] = [];
    const stream = streamToClient(
      [chunk('The quick ')],
      iterate([chunk('brown')], new Error('reset')),
      info,
      options({
        continueStream: async (partial) => {
          partials.push(partial);
          return continued;
        },
        onEnd: (end) => ends.push(end),
      }),
    );
    const { chunks, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(partials).toEqual(['The quick brown']);
    expect(text(chunks)).toBe('The quick brown fox jumps');
    expect(chunks.slice(2).every((c) => c.choices[0]?.delta.role === undefined)).toBe(true);
    // The chunks name the model that wrote them: the first up to the break, the continuing one after it.
    expect(chunks.map((c) => c.model)).toEqual([REF, REF, 'q/next', 'q/next', 'q/next']);
    const failed = events.find((e) => e.type === 'attempt_failed')!;
    expect(failed.data).toEqual({
      model: REF,
      mid_stream: true,
      sent_chars: 15,
      continued_by: 'q/next',
      message: 'reset',
    });
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', data: { model: 'q/next' } });
    expect(ends).toEqual([{ ok: true, continuedBy: 'q/next' }]);
  });

  it('ends with the error (run_failed, onEnd not ok) when no model continues, or nothing was sent', async () => {
    for (const [head, continueStream] of [
      [[chunk('Some text')], async () => undefined],
      [
        [],
        async () => {
          throw new Error('not to be asked');
        },
      ],
    ] as const) {
      const { info, events } = infoWithEvents();
      const ends: unknown[] = [];
      const onEnd = (end: unknown) => ends.push(end);
      const broken = iterate([], new Error('reset'));
      const stream = streamToClient([...head], broken, info, options({ continueStream, onEnd }));
      const { error } = await collect(stream);
      expect(error?.message).toBe('reset');
      expect(types(events)).not.toContain('run_finished');
      expect(events.find((e) => e.type === 'run_failed')!.data).toEqual({ model: REF, message: 'reset' });
      expect(ends).toEqual([{ ok: false }]);
    }
  });
});
