// streamToClient (an iterator) against the async generator it replaced, differentially: over generated streams (real
// wire texts read by the OpenAI stream reader, usage chunks, breaks mid-stream, continuations that start with a role
// or repeat the partial answer, continuations that fail or cannot be found, usage asked for or not, extra usage, a
// client that leaves early), both give the client the same chunks and wire texts, and the same events and ends; also
// when the source holds some of its chunks in hand and the client takes them at once (nextReady), as the door does.
import { describe, expect, it } from 'vitest';
import type { Continued } from '../../../../graphs/chat/continue.js';
import { streamToClient, type RespondInfo, type StreamOptions } from '../../../../graphs/chat/respond.js';
import { createEventBus, createRunEmitter } from '../../../../src/events/publisher.js';
import { nextReady, type ReadyIterator } from '../../../../src/providers/ready-values.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import type { Classification } from '../../../../src/routing/types.js';
import { seededRandom } from '../../../../src/routing/seeded-random.js';
import { chunksOf, generatedStream } from '../../../helpers/generated-chunks.js';
import { generatorStreamToClient } from './stream-to-client-reference.js';

/**
 * A source of `chunks` (fresh copies), failing after them when `fails`, a step at a time; when `inHand` is given, a
 * chunk it says yes to is also given at once by `nextReady` (the failure and the end never are).
 */
function source(
  chunks: ChatCompletionChunk[],
  fails: boolean,
  inHand?: () => boolean,
): ReadyIterator<ChatCompletionChunk> {
  const copies = chunks.map(copy);
  let at = 0;
  return {
    async next() {
      if (at < copies.length) return { done: false, value: copies[at++]! };
      if (fails) throw new Error('upstream went silent mid-response');
      return { done: true, value: undefined };
    },
    nextReady() {
      if (inHand === undefined || at >= copies.length || !inHand()) return undefined;
      return { done: false, value: copies[at++]! };
    },
  };
}

function copy(chunk: ChatCompletionChunk): ChatCompletionChunk {
  const out = structuredClone(chunk);
  if (chunk[WIRE] !== undefined) out[WIRE] = chunk[WIRE];
  return out;
}

interface Scenario {
  head: ChatCompletionChunk[];
  rest: ChatCompletionChunk[];
  fails: boolean;
  includeUsage: boolean;
  extraUsage: boolean;
  /** What the continuation does: none asked, none found, a stream (failing too, or not), or a failure. */
  continuation: 'absent' | 'none' | 'stream' | 'failing-stream' | 'rejects';
  continued: ChatCompletionChunk[];
  /** Chunks the client reads before it leaves (undefined: all). */
  leavesAfter: number | undefined;
  following: boolean;
  /** Seeds which chunks the source holds in hand and when the client asks for one at once (undefined: never). */
  ready: number | undefined;
}

type Relay = (
  head: ChatCompletionChunk[],
  rest: AsyncIterator<ChatCompletionChunk>,
  info: RespondInfo,
  options: StreamOptions,
) => AsyncGenerator<ChatCompletionChunk>;

async function run(scenario: Scenario, relay: Relay) {
  const bus = createEventBus();
  const events: unknown[] = [];
  if (scenario.following) bus.attach((event) => events.push([event.type, event.node, event.data]));
  const info: RespondInfo = {
    ref: 'p/m-1',
    attempts: 1,
    classification: { promptTokens: () => 5 } as Classification,
    emitter: createRunEmitter(bus, 'run-1'),
  };
  const ends: unknown[] = [];
  let continuations = 0;
  const options: StreamOptions = {
    includeUsage: scenario.includeUsage,
    ...(scenario.extraUsage ? { extraUsage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } } : {}),
    onEnd: (end) => ends.push(end),
  };
  if (scenario.continuation !== 'absent')
    options.continueStream = async (partial): Promise<Continued | undefined> => {
      events.push(['continue', partial]);
      if (scenario.continuation === 'none' || continuations++ > 0) return undefined;
      if (scenario.continuation === 'rejects') throw new Error('no continuation');
      return { ref: 'q/m-2', chunks: source(scenario.continued, scenario.continuation === 'failing-stream') };
    };
  const sent: unknown[] = [];
  let error: string | undefined;
  const draw = scenario.ready === undefined ? undefined : seededRandom(scenario.ready);
  const inHand = draw === undefined ? undefined : () => draw() < 0.7;
  const chunks = relay(scenario.head.map(copy), source(scenario.rest, scenario.fails, inHand), info, options);
  // As the door reads: a chunk in hand at once when the client asks for one so (nextReady), else next().
  const take = async () => (draw !== undefined && draw() < 0.8 ? nextReady(chunks) : undefined) ?? chunks.next();
  try {
    for (let next = await take(); !next.done; next = await take()) {
      sent.push([JSON.stringify(next.value), next.value[WIRE]]);
      if (scenario.leavesAfter !== undefined && sent.length >= scenario.leavesAfter) {
        await chunks.return(undefined);
        break;
      }
    }
  } catch (err) {
    error = (err as Error).message;
  }
  return { sent, error, events, ends };
}

async function generated(next: () => number): Promise<Scenario> {
  const chunks = await chunksOf(generatedStream(next));
  const cut = Math.floor(next() * Math.min(3, chunks.length + 1));
  const partial = next() < 0.3 ? 'x'.repeat(70) : 'tok ';
  const continued = (await chunksOf(generatedStream(next))).map((chunk, i) => {
    // A continuation that repeats the end of what was sent, in its first chunk.
    const delta = chunk.choices[0]?.delta;
    if (i === 0 && delta !== undefined && next() < 0.5) {
      delta.content = `${partial.slice(-8)}more`;
      delete chunk[WIRE];
    }
    return chunk;
  });
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return {
    head: chunks.slice(0, cut),
    rest: chunks.slice(cut),
    fails: next() < 0.4,
    includeUsage: next() < 0.5,
    extraUsage: next() < 0.2,
    continuation: pick(['absent', 'none', 'stream', 'stream', 'failing-stream', 'rejects'] as const),
    continued,
    leavesAfter: next() < 0.15 ? 1 + Math.floor(next() * 5) : undefined,
    following: next() < 0.5,
    ready: next() < 0.6 ? Math.floor(next() * 1e9) : undefined,
  };
}

describe('streamToClient against the async generator it replaced', () => {
  it('relays 3,000 generated streams alike: chunks, wire texts, errors, events and ends', async () => {
    const next = seededRandom(5);
    let continued = 0;
    for (let i = 0; i < 3_000; i++) {
      const scenario = await generated(next);
      const expected = await run(scenario, generatorStreamToClient);
      const actual = await run(scenario, streamToClient);
      expect(actual, JSON.stringify({ ...scenario, i })).toEqual(expected);
      if (expected.events.some((event) => (event as unknown[])[0] === 'attempt_failed')) continued += 1;
    }
    expect(continued).toBeGreaterThan(200);
  });
});
