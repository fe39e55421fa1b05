// End to end: model discovery. A `models: discover` provider serves what its listing says; after a sync a new model
// answers through /v1/models and chat and a removed one does not; changes are listed with dates; the layer survives a
// restart on SQLite; readiness never waits for a listing.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { useCli } from './cli-harness.js';
import { redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'sb-admin-discovery-e2e';
let fake: FakeUpstream;
const open: TestGateway[] = [];
const runCli = useCli();

beforeAll(async () => {
  fake = await startOpenAIUpstream();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((gw) => gw.close()));
});
afterAll(async () => {
  await fake.close();
});

/** A gateway with one keyless local provider on the fake that lists its models (no model written out). */
async function gateway(env: Record<string, string> = {}, discovery: Record<string, unknown> = { enabled: false }) {
  const gw = await startTestGateway(
    {
      providers: [{ id: 'local', protocol: 'openai', baseUrl: fake.baseUrl, keyless: true, models: 'discover' }],
      discovery,
    },
    undefined,
    { SWITCHBOARD_ADMIN_KEY: ADMIN, ...env },
  );
  open.push(gw);
  return gw;
}

async function modelIds(gw: TestGateway): Promise<string[]> {
  return (await gw.client.models.list()).data.map((model) => model.id);
}

interface Change {
  provider: string;
  model: string;
  change: string;
  at: number;
}

describe('model discovery', () => {
  it('serves what the listing says, picks up a new model and retires a removed one after a sync', async () => {
    fake.models = ['llama-3.1-8b-instruct', 'old-model'];
    const gw = await gateway();
    expect(await modelIds(gw)).not.toContain('local/llama-3.1-8b-instruct');
    const first = await call(gw.url, 'POST', '/admin/catalog/sync', ADMIN);
    expect(first.status).toBe(200);
    expect(await modelIds(gw)).toEqual(expect.arrayContaining(['local/llama-3.1-8b-instruct', 'local/old-model']));

    fake.models = ['llama-3.1-8b-instruct', 'qwen2.5-coder-7b'];
    const second = await call(gw.url, 'POST', '/admin/catalog/sync', ADMIN);
    const changes = (second.body as { changes: Change[] }).changes;
    expect(changes.map((c) => `${c.change} ${c.model}`).sort()).toEqual([
      'appeared qwen2.5-coder-7b',
      'retired old-model',
    ]);
    const ids = await modelIds(gw);
    expect(ids).toContain('local/qwen2.5-coder-7b');
    expect(ids).not.toContain('local/old-model');

    const answer = await gw.client.chat.completions.create({
      model: 'local/qwen2.5-coder-7b',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const before = fake.requests.length;
    await expect(
      gw.client.chat.completions.create({ model: 'local/old-model', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toThrow(/retired: 'local' no longer lists it/);
    expect(fake.requests.length).toBe(before);

    const catalog = await call(gw.url, 'GET', '/v1/catalog', ADMIN);
    const models = (catalog.body as { data: Array<Record<string, unknown>> }).data;
    expect(models.find((m) => m['id'] === 'local/qwen2.5-coder-7b')).toMatchObject({
      discovered: true,
      capabilities: expect.arrayContaining(['chat', 'code']),
    });
    expect(models.find((m) => m['id'] === 'local/old-model')).toMatchObject({
      active: false,
      retiredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });

    const listed = await call(gw.url, 'GET', '/admin/catalog/changes', ADMIN);
    const all = (listed.body as { data: Change[] }).data.map((c) => `${c.change} ${c.model}`);
    expect(all).toEqual(
      expect.arrayContaining(['retired old-model', 'appeared qwen2.5-coder-7b', 'appeared old-model']),
    );
    expect((await call(gw.url, 'GET', '/admin/catalog/changes?since=yesterday', ADMIN)).status).toBe(400);
    expect((await call(gw.url, 'POST', '/admin/catalog/sync')).status).toBe(401);
  });

  it('`switchboard models sync` runs discovery and prints what changed', async () => {
    fake.models = ['phi-4-mini'];
    const gw = await gateway();
    const { out, code } = await runCli(['models', 'sync'], /$^/, {
      SWITCHBOARD_URL: gw.url,
      SWITCHBOARD_ADMIN_KEY: ADMIN,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/local: 1 model listed/);
    expect(out).toMatch(/appeared\s+local\/phi-4-mini/);
    expect(await modelIds(gw)).toContain('local/phi-4-mini');
  });

  it('keeps the discovered layer across a restart on SQLite', async () => {
    fake.models = ['mistral-small-latest'];
    const env = { SWITCHBOARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sb-discovery-')) };
    const first = await gateway(env);
    await call(first.url, 'POST', '/admin/catalog/sync', ADMIN);
    expect(await modelIds(first)).toContain('local/mistral-small-latest');
    await first.close();
    open.splice(open.indexOf(first), 1);
    fake.models = [];
    const second = await gateway(env);
    expect(await modelIds(second)).toContain('local/mistral-small-latest');
  });

  it('shares the discovered layer between instances on Redis', async () => {
    fake.models = ['gemma-3-4b-it'];
    const env = redisEnv('discovery');
    const [one, two] = [await gateway(env), await gateway(env)];
    await call(one.url, 'POST', '/admin/catalog/sync', ADMIN);
    let seen: string[] = [];
    const poll = async () => {
      for (let i = 0; i < 50 && !seen.includes('local/gemma-3-4b-it'); i++) {
        seen = await modelIds(two);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await poll();
    expect(seen).toContain('local/gemma-3-4b-it');
  });

  it('answers ready while a listing hangs', async () => {
    let asked!: () => void;
    const listingAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    // A provider that takes the listing request and never answers it.
    const hung: Server = createServer(() => asked());
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as { port: number }).port;
    try {
      const gw = await startTestGateway(
        {
          providers: [
            {
              id: 'slow',
              protocol: 'openai',
              baseUrl: `http://127.0.0.1:${port}/v1`,
              keyless: true,
              models: 'discover',
            },
          ],
          discovery: { enabled: true, timeoutMs: 60_000 },
        },
        undefined,
        { SWITCHBOARD_ADMIN_KEY: ADMIN },
      );
      open.push(gw);
      await listingAsked;
      expect((await call(gw.url, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      hung.closeAllConnections();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  });
});
