// End to end over HTTP/2: a provider with `http2: true` in front of a real HTTP/2 server (node:http2, TLS with a
// self-signed certificate, no HTTP/1.1 fallback) answers whole and streamed, multiplexes many streams on few
// connections, and fails the way HTTP/1.1 does (a 429 / 503 with Retry-After, a stream reset mid-answer).
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { selfSignedCert } from '../fakes/self-signed.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

let h2: FakeUpstream;
let backup: FakeUpstream;
let gw: TestGateway;
const rejectUnauthorized = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];

const cert = selfSignedCert();

beforeAll(() => {
  // The gateway has no option for a private CA (a deployment gives one with NODE_EXTRA_CA_CERTS, read at process
  // start): this test process accepts the self-signed certificate instead. Node reads the variable at each connect.
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
});
afterAll(() => {
  if (rejectUnauthorized === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = rejectUnauthorized;
});

// Upstreams and a gateway per test: circuits and cooled keys a failure leaves behind would steer the next test, and
// the session counts start at 0.
beforeEach(async () => {
  [h2, backup] = await Promise.all([startOpenAIUpstream(cert), startOpenAIUpstream()]);
  gw = await startTestGateway({
    timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 1_000 },
    providers: [
      h2Provider(),
      {
        id: 'backup',
        protocol: 'openai',
        baseUrl: backup.baseUrl,
        apiKeys: ['backup-key'],
        models: [fakeModel('backup-chat', { quality: 0.5 })],
      },
    ],
  });
});
afterEach(async () => {
  await gw?.close();
  await Promise.all([h2?.close(), backup?.close()]);
});

function h2Provider() {
  return {
    id: 'h2',
    protocol: 'openai',
    baseUrl: h2.baseUrl,
    apiKeys: ['h2-key'],
    http2: true,
    models: [fakeModel('h2-chat', { quality: 0.9 })],
  };
}

const question = [{ role: 'user' as const, content: 'Say the pangram.' }];
const WORDS = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy ', 'dog.'];

/** Streams `model` (then `models`) and returns the text read and the `x-switchboard-model` header. */
async function streamed(model: string, models: string[] = []) {
  const { data: stream, response } = await gw.client.chat.completions
    .create({ model, models, messages: question, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming)
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return { text, model: response.headers.get('x-switchboard-model') };
}

describe('a provider on HTTP/2', () => {
  it('answers a chat completion sent whole, over HTTP/2', async () => {
    const answer = await gw.client.chat.completions.create({ model: 'h2/h2-chat', messages: question });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_TEXT);
    expect(h2.requests.map((r) => r.httpVersion)).toEqual(['2.0']);
    expect(h2.requests[0]?.headers['authorization']).toBe('Bearer h2-key');
  });

  it('relays a streamed chat completion, over HTTP/2', async () => {
    h2.queue({ type: 'text', text: WORDS.join(''), chunks: WORDS });
    const { text, model } = await streamed('h2/h2-chat');
    expect(text).toBe(WORDS.join(''));
    expect(model).toBe('h2/h2-chat');
    expect(h2.requests.map((r) => r.httpVersion)).toEqual(['2.0']);
  });

  it('multiplexes 100 concurrent streams on a few sessions', async () => {
    h2.setFallback({ type: 'text', text: WORDS.join(''), chunks: WORDS, chunkDelayMs: 50 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => streamed('h2/h2-chat')));
    expect(answers.filter((a) => a.text === WORDS.join(''))).toHaveLength(100);
    expect(h2.requests).toHaveLength(100);
    expect(h2.requests.every((r) => r.httpVersion === '2.0')).toBe(true);
    // The provider's cap (1,024 calls) needs 11 sessions of 100 streams; undici's defaults opened a session per call
    // of a burst and carried one stream on each.
    expect(h2.sessions).toBeLessThanOrEqual(11);
    expect(h2.maxStreamsPerSession).toBeGreaterThan(1);
  });

  it('keeps to its sessions: a provider capped at 100 calls sends 100 concurrent streams on one', async () => {
    await gw.close();
    gw = await startTestGateway({ providers: [{ ...h2Provider(), limits: { concurrency: 100 } }] });
    h2.setFallback({ type: 'text', text: WORDS.join(''), chunks: WORDS, chunkDelayMs: 50 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => streamed('h2/h2-chat')));
    expect(answers.filter((a) => a.text === WORDS.join(''))).toHaveLength(100);
    expect(h2.sessions).toBe(1);
  });
});

describe('failures over HTTP/2', () => {
  it.each([429, 503])('falls back after a %i with Retry-After', async (status) => {
    h2.queue({ type: 'error', status, headers: { 'retry-after': '30' } });
    backup.queue({ type: 'text', text: 'backup answers' });
    const { data, response } = await gw.client.chat.completions
      .create({ model: 'h2/h2-chat', models: ['backup/backup-chat'], messages: question } as never)
      .withResponse();
    expect((data as OpenAI.ChatCompletion).choices[0]?.message.content).toBe('backup answers');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(h2.requests.map((r) => r.httpVersion)).toEqual(['2.0']);
  });

  it("rests the key for a 429's Retry-After, read from the HTTP/2 answer's headers", async () => {
    h2.queue({ type: 'error', status: 429, headers: { 'retry-after': '30' } });
    backup.queue({ type: 'text', text: 'backup answers' });
    await gw.client.chat.completions.create({
      model: 'h2/h2-chat',
      models: ['backup/backup-chat'],
      messages: question,
    } as never);
    // The next request does not ask the provider again before the 30 s are over.
    backup.queue({ type: 'text', text: 'backup again' });
    const again = await gw.client.chat.completions.create({
      model: 'h2/h2-chat',
      models: ['backup/backup-chat'],
      messages: question,
    } as never);
    expect((again as OpenAI.ChatCompletion).choices[0]?.message.content).toBe('backup again');
    expect(h2.requests).toHaveLength(1);
  });

  it.each([
    [429, 'rate_limit_error'],
    [503, 'service_unavailable'],
  ])("answers the upstream's %i and its Retry-After when it is the only candidate", async (status, type) => {
    h2.queue({ type: 'error', status, headers: { 'retry-after': '7' } });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'h2/h2-chat', messages: question }),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe(type);
  });

  it('continues a stream reset mid-answer on the next model, and the session carries on', async () => {
    h2.queue({ type: 'text', text: WORDS.join(''), chunks: WORDS, failAfterEvents: { count: 3, how: 'break' } });
    backup.queue({ type: 'text', text: 'jumps over the lazy dog.' });
    const { text, model } = await streamed('h2/h2-chat', ['backup/backup-chat']);
    expect(text).toBe(WORDS.join(''));
    expect(model).toBe('h2/h2-chat');
    expect(backup.requests).toHaveLength(1);
    // A reset ends one stream, not the session: the next call goes out on the same one.
    const next = await streamed('h2/h2-chat');
    expect(next.text).toBe(DEFAULT_TEXT);
    expect(h2.sessions).toBe(1);
  });

  it('falls back when the stream of an answer sent whole is reset halfway through its body', async () => {
    h2.queue({ type: 'text', text: 'cut short', bodyFault: 'break' });
    backup.queue({ type: 'text', text: 'backup answers' });
    const { data, response } = await gw.client.chat.completions
      .create({ model: 'h2/h2-chat', models: ['backup/backup-chat'], messages: question } as never)
      .withResponse();
    expect((data as OpenAI.ChatCompletion).choices[0]?.message.content).toBe('backup answers');
    expect(response.headers.get('x-switchboard-model')).toBe('backup/backup-chat');
    expect(h2.requests).toHaveLength(1);
  });
});
