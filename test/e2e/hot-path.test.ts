// End to end: the lean door (src/server/hot-path.ts) answers as the express app does. The exact path of a request door
// goes through the lean door; the same path with a trailing slash goes through express's router (which matches it too),
// so each pair of answers must be the same: status, body and Switchboard's headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

let upstream: FakeUpstream;
let open: TestGateway;
let guarded: TestGateway;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const config = {
    server: { port: 0, host: '127.0.0.1', bodyLimit: '2kb' },
    providers: [
      { id: 'alpha', protocol: 'openai', baseUrl: upstream.baseUrl, apiKeys: ['k'], models: [fakeModel('chat')] },
    ],
  };
  open = await startTestGateway(config);
  guarded = await startTestGateway(config, undefined, { SWITCHBOARD_REQUIRE_AUTH: '1' });
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
  await upstream?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Ids, times and the request id vary per request; everything else must match. */
const VARYING = /^(run_|chatcmpl-|msg_|resp_|req_)[\w-]+$/;
const TIMES = new Set(['created', 'created_at', 'completed_at']);
function normalize(value: unknown): unknown {
  if (typeof value === 'string') return VARYING.test(value) ? '<id>' : value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, TIMES.has(k) ? '<time>' : normalize(v)]));
  return value;
}

async function ask(gw: TestGateway, path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  const kept = [...res.headers].filter(
    ([name]) => name.startsWith('x-switchboard-') || ['content-type', 'retry-after', 'request-id'].includes(name),
  );
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    headers: normalize(Object.fromEntries(kept)) as Record<string, string>,
    body: normalize(parsed),
  };
}

/** The lean door's answer and express's, to the same request. */
async function both(gw: TestGateway, path: string, body: string, headers?: Record<string, string>) {
  const lean = await ask(gw, path, body, headers);
  const express = await ask(gw, `${path}/`, body, headers);
  return { lean, express };
}

const chat = JSON.stringify({ model: 'alpha/chat', messages: [{ role: 'user', content: 'hi' }] });
const anthropic = JSON.stringify({ model: 'alpha/chat', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

describe('the lean door answers as express does', () => {
  it.each([
    ['a chat completion', '/v1/chat/completions', chat, 200],
    ['a chat completion, with a query string', '/v1/chat/completions?x=1', chat, 200],
    ['a body that is not JSON', '/v1/chat/completions', '{"model":', 400],
    ['a body without a model', '/v1/chat/completions', '{"messages":[]}', 400],
    ['a body over server.bodyLimit', '/v1/chat/completions', JSON.stringify({ pad: 'x'.repeat(4_000) }), 413],
    ['a Responses request', '/v1/responses', JSON.stringify({ model: 'alpha/chat', input: 'hi' }), 200],
    ['a Messages request', '/v1/messages', anthropic, 200],
    ['a Messages body that is not JSON', '/v1/messages', '{', 400],
    [
      'an embeddings request for a chat model',
      '/v1/embeddings',
      JSON.stringify({ model: 'alpha/chat', input: 'x' }),
      400,
    ],
  ])('%s', async (_what, path, body, status) => {
    const [base, query] = path.split('?');
    const lean = await ask(open, path, body);
    const express = await ask(open, `${base}/${query ? `?${query}` : ''}`, body);
    expect(lean.status).toBe(status);
    expect(lean).toEqual(express);
  });

  it('refuses a caller without a key the same way, on the OpenAI and the Anthropic doors', async () => {
    const openai = await both(guarded, '/v1/chat/completions', chat);
    expect(openai.lean.status).toBe(401);
    expect(openai.lean).toEqual(openai.express);
    const messages = await both(guarded, '/v1/messages', anthropic);
    expect(messages.lean.status).toBe(401);
    expect(messages.lean).toEqual(messages.express);
  });

  it('counts its requests under the route pattern, and errors before the route as unmatched, as express does', async () => {
    await ask(open, '/v1/chat/completions', chat);
    await ask(open, '/v1/chat/completions', '{');
    const metrics = await (await fetch(`${open.url}/metrics`)).text();
    expect(metrics).toMatch(
      /switchboard_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\}/,
    );
    expect(metrics).toMatch(/switchboard_http_requests_total\{method="POST",route="unmatched",status="400"\}/);
  });
});
