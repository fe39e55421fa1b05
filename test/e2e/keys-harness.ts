// Helpers for the key rotation, health and limits e2e files: which key a fake saw, the admin key list, chat calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { providerKeyId } from '../../src/accounts/secrets.js';
import type { KeyInfo } from '../../src/accounts/types.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

/** The admin key every gateway of these files is started with. */
export const ADMIN_KEY = 'sb-admin-test-0123456789';

/** The key a request carried, in whichever header its wire protocol puts it. */
export function keyOf(req: RecordedRequest): string | undefined {
  const { authorization, 'x-api-key': anthropic, 'x-goog-api-key': google } = req.headers;
  if (typeof authorization === 'string') return authorization.replace(/^Bearer\s+/i, '');
  if (typeof anthropic === 'string') return anthropic;
  return typeof google === 'string' ? google : undefined;
}

/** The keys a fake saw, one per chat request (model-list probes left out), in order. */
export function keysSeen(fake: FakeUpstream): Array<string | undefined> {
  return fake.requests.filter((r) => r.method === 'POST').map(keyOf);
}

/**
 * A provider entry in front of `fake`, serving one model `<id>-chat` of the given quality: with `model: auto` the
 * router tries the higher quality first, so tests say which provider is the primary and which the fallback.
 */
export function provider(
  id: string,
  protocol: 'openai' | 'anthropic' | 'gemini',
  fake: FakeUpstream,
  quality: number,
  extra: Record<string, unknown> = {},
) {
  return { id, protocol, baseUrl: fake.baseUrl, models: [fakeModel(`${id}-chat`, { quality })], ...extra };
}

/**
 * A gateway with the admin API on (SWITCHBOARD_ADMIN_KEY) and `env` besides. The tests know which provider `auto`
 * picks by the qualities they give: the bandit and balanced's steering by complexity (both on by default) are off
 * unless the config sets `routing.bandit` or `routing.complexity`.
 */
export function startKeysGateway(
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const routing = {
    bandit: { enabled: false },
    complexity: { span: 0 },
    ...(config['routing'] as Record<string, unknown> | undefined),
  };
  return startTestGateway({ ...config, routing }, undefined, { SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, ...env });
}

/**
 * One chat completion through the official client; resolves with the answer and the model that served it. `extra`
 * adds body fields (e.g. `models`, an ordered fallback list the router's live scores do not reorder).
 */
export async function ask(gw: TestGateway, model = 'auto', extra: Record<string, unknown> = {}) {
  const { data, response } = await gw.client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hello' }], ...extra } as never)
    .withResponse();
  return { text: data.choices[0]!.message.content, servedBy: response.headers.get('x-switchboard-model') };
}

/** The same call, resolving with the error it failed with (or the answer, for the test to reject). */
export function askFailing(gw: TestGateway, model = 'auto'): Promise<unknown> {
  return ask(gw, model).catch((err: unknown) => err);
}

/** GET /admin/keys: the status and the raw body text, so tests can look for secrets in it. */
export async function listKeys(url: string): Promise<{ status: number; text: string; keys: KeyInfo[] }> {
  const res = await fetch(`${url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const text = await res.text();
  const body = JSON.parse(text) as { object: string; data: KeyInfo[] };
  return { status: res.status, text, keys: body.object === 'list' ? body.data : [] };
}

/** The listed key of `provider` holding `secret` (ids derive from provider and secret, the same on every instance). */
export function findKey(keys: KeyInfo[], provider: string, secret: string): KeyInfo | undefined {
  return keys.find((k) => k.provider === provider && k.id === providerKeyId(provider, secret));
}

/** Polls an async check until it holds or the time is up (for effects that take a cooldown or a background read). */
export async function until(check: () => Promise<boolean>, timeoutMs = 5_000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return check();
}

/**
 * A pass-through in front of `fake` that adds the headers `next` returns to each successful answer: the fakes send
 * no rate-limit headers with a 200, and providers such as Cerebras and Groq do.
 */
export async function withResponseHeaders(
  fake: FakeUpstream,
  next: () => Record<string, string>,
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const origin = new URL(fake.baseUrl);
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const upstream = await fetch(`${origin.origin}${req.url}`, {
      method: req.method!,
      headers,
      ...(parts.length ? { body: Buffer.concat(parts) } : {}),
    });
    const body = await upstream.text();
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      ...(upstream.ok ? next() : {}),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${origin.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The hooks of a keys test file: the fake providers started once and reset before each test (no recorded requests,
 * the default answer), and the gateway a test starts (`fixture.gw`) closed after it.
 */
export function useFakesAndGateway<F extends [FakeUpstream, ...FakeUpstream[]]>(
  start: () => Promise<F>,
): { fakes: F; gw: TestGateway | undefined } {
  const fixture = { fakes: [] as unknown as F, gw: undefined as TestGateway | undefined };
  beforeAll(async () => {
    fixture.fakes = await start();
  });
  afterAll(async () => {
    await Promise.all(fixture.fakes.map((fake) => fake?.close()));
  });
  beforeEach(() => {
    for (const fake of fixture.fakes) {
      fake.requests.length = 0;
      fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
    }
  });
  afterEach(async () => {
    await fixture.gw?.close();
    fixture.gw = undefined;
  });
  return fixture;
}
