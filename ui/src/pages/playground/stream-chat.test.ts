// @vitest-environment jsdom
// The playground's stream: text pieces as they arrive (an event split across network reads included), who answered
// from the headers, the model that finished after a mid-stream failover, its own run id sent, and refusals and stream
// errors as ApiError with the gateway's message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { streamChat } from './stream-chat';

const chunk = (model: string, content: string) =>
  `data: ${JSON.stringify({ model, choices: [{ delta: { content } }] })}\n\n`;

/** fetch answering once with `status`, `headers` and a body streamed in `reads` (as the network splits it). */
function answer(status: number, reads: string[], headers: Record<string, string> = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const read of reads) controller.enqueue(new TextEncoder().encode(read));
      controller.close();
    },
  });
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body, { status, headers }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe('streamChat', () => {
  it('calls onText per piece and reports who answered, with its own run id', async () => {
    const whole = chunk('alpha/one', 'Hel') + chunk('beta/two', 'lo') + 'data: [DONE]\n\n';
    // Split inside the second event: the parser must join the reads.
    const cut = whole.indexOf('"lo"');
    const fetchMock = answer(200, [whole.slice(0, cut), whole.slice(cut)], {
      'x-switchboard-provider': 'alpha',
      'x-switchboard-model': 'alpha/one',
      'x-switchboard-attempts': '2',
    });
    const pieces: string[] = [];
    let told: string | undefined;
    let clock = 0;
    const info = await streamChat({
      model: 'auto',
      mode: 'fastest',
      messages: [{ role: 'user', content: 'hi' }],
      signal: new AbortController().signal,
      onText: (text) => pieces.push(text),
      onRunId: (id) => (told = id),
      now: () => (clock += 10),
    });
    expect(pieces).toEqual(['Hel', 'lo']);
    const [, init] = fetchMock.mock.calls[0]!;
    const headers = init!.headers as Record<string, string>;
    expect(headers['x-switchboard-run-id']).toBe(told);
    expect(told).toMatch(/^playground_/);
    expect(JSON.parse(String(init!.body))).toMatchObject({ model: 'auto', model_quality: 'fastest', stream: true });
    expect(info).toMatchObject({
      runId: told,
      provider: 'alpha',
      model: 'alpha/one',
      attempts: 2,
      finishedBy: 'beta/two',
    });
    expect(info.firstTokenMs).toBeGreaterThan(0);
    expect(info.totalMs).toBeGreaterThan(info.firstTokenMs!);
  });

  it('sends no mode with a named model', async () => {
    const fetchMock = answer(200, [chunk('alpha/one', 'ok'), 'data: [DONE]\n\n']);
    await streamChat({
      model: 'alpha/one',
      mode: 'best_quality',
      messages: [{ role: 'user', content: 'hi' }],
      signal: new AbortController().signal,
      onText: () => {},
    });
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]!.body))).not.toHaveProperty('model_quality');
  });

  it("throws the gateway's message when it refuses, and a stream's error event", async () => {
    answer(429, [JSON.stringify({ error: { message: 'every candidate is rate limited' } })]);
    const send = () =>
      streamChat({
        model: 'auto',
        mode: 'balanced',
        messages: [{ role: 'user', content: 'hi' }],
        signal: new AbortController().signal,
        onText: () => {},
      });
    await expect(send()).rejects.toMatchObject({ message: 'every candidate is rate limited', status: 429 });
    answer(200, [chunk('alpha/one', 'par'), `data: ${JSON.stringify({ error: { message: 'upstream broke' } })}\n\n`]);
    const failed = await send().catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(ApiError);
    expect(failed).toMatchObject({ message: 'upstream broke', status: 502 });
  });
});
