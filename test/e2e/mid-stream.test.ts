// End to end: a stream that breaks after its third token is finished by the next model, so the client reads one
// answer with no gap and no repeat; the run's events, the chunks after the break, the run record and the request log
// say which model finished it (the headers, sent with the first chunk, name the one that started it).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/types.js';
import { CONTINUE_PROMPT } from '../../graphs/chat/continue.js';
import { startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
const events: RunEvent[] = [];

beforeAll(async () => {
  fakes = await startThreeProtocols();
  gw = await startTestGateway({ providers: fakes.providers });
  gw.gateway.bus.attach((event) => void events.push(event));
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});

const WORDS = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy ', 'dog.'];

/** Streams alpha then beta under `runId`; alpha breaks after its third event. */
async function brokenStream(runId: string, continuation: string) {
  fakes.alpha.queue({ type: 'text', text: WORDS.join(''), chunks: WORDS, failAfterEvents: { count: 3, how: 'break' } });
  fakes.beta.queue({ type: 'text', text: continuation });
  const { data: stream, response } = await gw.client.chat.completions
    .create(
      // alpha then beta, in that order: alpha's measured failures would otherwise rank it after beta on later runs.
      {
        model: 'alpha/alpha-chat',
        models: ['beta/beta-chat'],
        messages: [{ role: 'user', content: 'Say the pangram.' }],
        stream: true,
      } as OpenAI.ChatCompletionCreateParamsStreaming,
      { headers: { 'x-switchboard-run-id': runId } },
    )
    .withResponse();
  const pieces: string[] = [];
  const ids = new Set<string>();
  /** Each chunk's `model`, in order, repeats collapsed. */
  const models: string[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    ids.add(chunk.id);
    if (models.at(-1) !== chunk.model) models.push(chunk.model);
    pieces.push(chunk.choices[0]?.delta.content ?? '');
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { text: pieces.join(''), ids, finish, models, header: response.headers.get('x-switchboard-model') };
}

/** GET `path` as JSON once `found` holds of it: run records and request rows are written as the response closes. */
async function eventually<T>(path: string, found: (body: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${gw.url}${path}`);
    const body = (await res.json()) as T;
    if ((res.status === 200 && found(body)) || tries === 50) return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('mid-stream failover', () => {
  it('finishes a stream broken after its third token on the next model, with no gap or repeat', async () => {
    const { text, ids, finish } = await brokenStream('mid-stream-1', 'jumps over the lazy dog.');
    expect(text).toBe('The quick brown fox jumps over the lazy dog.');
    expect(ids.size).toBe(1);
    expect(finish).toBe('stop');
    // The next model got the conversation, the partial answer as its own turn, and the request to continue it.
    const sent = fakes.beta.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    const turns = JSON.stringify(sent.messages);
    expect(turns).toContain('Say the pangram.');
    expect(turns).toContain('The quick brown fox ');
    expect(turns).toContain(CONTINUE_PROMPT.slice(0, 40));
    const failover = events.find((e) => e.run_id === 'mid-stream-1' && e.type === 'attempt_failed');
    expect(failover?.data).toMatchObject({
      model: 'alpha/alpha-chat',
      mid_stream: true,
      continued_by: 'beta/beta-chat',
    });
    expect(events.some((e) => e.run_id === 'mid-stream-1' && e.type === 'run_finished')).toBe(true);
  });

  it('names the model that finished the answer in the later chunks, the run record and the request log', async () => {
    const { models, header } = await brokenStream('mid-stream-who', 'jumps over the lazy dog.');
    expect(header).toBe('alpha/alpha-chat');
    expect(models).toEqual(['alpha/alpha-chat', 'beta/beta-chat']);
    const record = await eventually<{ model?: string; started_by?: string }>(
      '/v1/runs/mid-stream-who',
      (r) => r.model !== undefined,
    );
    expect(record).toMatchObject({ model: 'beta/beta-chat', started_by: 'alpha/alpha-chat' });
    type Rows = { data: Array<{ run_id: string; model_used: string; provider: string }> };
    const rows = await eventually<Rows>('/v1/requests', (r) => r.data.some((row) => row.run_id === 'mid-stream-who'));
    expect(rows.data.find((row) => row.run_id === 'mid-stream-who')).toMatchObject({
      model_used: 'beta/beta-chat',
      provider: 'beta',
    });
    const finished = events.find((e) => e.run_id === 'mid-stream-who' && e.type === 'run_finished');
    expect(finished?.data).toMatchObject({ model: 'beta/beta-chat' });
  });

  it('drops what the continuing model repeats of the partial answer', async () => {
    const { text } = await brokenStream('mid-stream-2', 'brown fox jumps over the lazy dog.');
    expect(text).toBe('The quick brown fox jumps over the lazy dog.');
  });
});
