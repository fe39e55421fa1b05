// End to end, as a supervisor stops the gateway: `switchboard serve` gets SIGTERM with requests in flight. It stops
// accepting connections at once and says it is draining on /health/ready; a stream that ends within the grace period
// ends whole; a stream and a request still running when it ends get their proper end (an error event, a 503); then
// the process exits 0.
import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel } from './harness.js';
import { chatRequests, pollUntil, useGatewayProcesses, writeConfigFile } from './process-harness.js';

const startProcess = useGatewayProcesses();
let upstream: FakeUpstream;
let configFile: string;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  configFile = writeConfigFile({
    logLevel: 'silent',
    // Long enough for the short stream below to finish on a loaded machine, short enough for the test.
    server: { shutdownGraceMs: 3_000 },
    providers: [
      { id: 'alpha', protocol: 'openai', baseUrl: upstream.baseUrl, apiKeys: ['k'], models: [fakeModel('alpha-chat')] },
    ],
  });
});
afterAll(() => upstream.close());

const body = (stream: boolean) =>
  JSON.stringify({ model: 'alpha/alpha-chat', stream, messages: [{ role: 'user', content: 'hi' }] });

/** GET `path` on the one keep-alive connection of `agent`: status, body and the Connection header. */
function getOn(agent: Agent, url: string, path: string): Promise<{ status: number; body: any; connection: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), connection: String(res.headers.connection) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a new TCP connection to `url` is accepted. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('switchboard serve stopped with SIGTERM while serving', () => {
  it('drains: refuses new connections, reports draining, finishes what it can, ends the rest cleanly, exits 0', async () => {
    const gw = await startProcess(configFile, {});
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await getOn(agent, gw.url, '/health/ready')).status).toBe(200);

    // 1: a stream that finishes within the grace period; 2: one whose upstream goes silent after its first words; 3:
    // a non-stream request whose upstream never answers.
    upstream.queue(
      { type: 'text', text: 'one two three four', chunkDelayMs: 150 },
      { type: 'text', text: 'never finished', failAfterEvents: { count: 2, how: 'stall' } },
      { type: 'hang' },
    );
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const whole = await client.chat.completions.create({
      model: 'alpha/alpha-chat',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await pollUntil(
      () => chatRequests(upstream),
      (n) => n === 1,
    );
    const post = { method: 'POST', headers: { 'content-type': 'application/json' } };
    const silent = await fetch(`${gw.url}/v1/chat/completions`, { ...post, body: body(true) });
    await pollUntil(
      () => chatRequests(upstream),
      (n) => n === 2,
    );
    const pending = fetch(`${gw.url}/v1/chat/completions`, { ...post, body: body(false) });
    await pollUntil(
      () => chatRequests(upstream),
      (n) => n === 3,
    );

    const exited = gw.stop('SIGTERM');
    await pollUntil(
      () => accepts(gw.url),
      (open) => !open,
    );
    // The keep-alive connection opened before the stop still gets answers, each closing it.
    expect(await getOn(agent, gw.url, '/health/ready')).toEqual({
      status: 503,
      body: { status: 'draining' },
      connection: 'close',
    });

    let text = '';
    for await (const chunk of whole) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three four');

    // Read to its end: a reset would throw here.
    const events = (await silent.text()).split('\n\n').filter((event) => event.startsWith('data: '));
    expect(JSON.parse(events.at(-1)!.slice('data: '.length))).toMatchObject({
      error: { code: 'server_shutting_down', type: 'service_unavailable' },
    });
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await answer.json()).toMatchObject({ error: { code: 'server_shutting_down' } });

    expect(await exited).toEqual({ code: 0, signal: null });
    agent.destroy();
  }, 60_000);
});
