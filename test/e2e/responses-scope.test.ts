// End to end: stored responses belong to the client key that made them (the admin and anonymous callers have their
// own scope): another caller can neither read, continue nor delete them. They live in the durable record store, so
// they outlive a restart (SQLite in the data directory) and, on Redis, every instance serves every stored response.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, DEFAULT_TEXT } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { call, clientWith, tempDataDir } from './accounts-harness.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-responses-scope';
const root = tempDataDir('responses-scope');
let alpha: FakeUpstream;
let gw: TestGateway | undefined;
beforeAll(async () => {
  alpha = await startOpenAIUpstream();
  alpha.setFallback({ type: 'text', text: DEFAULT_TEXT });
});
afterAll(async () => {
  await alpha.close();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const start = (dir: string, env: Record<string, string> = {}) =>
  startTestGateway(
    {
      providers: [
        { id: 'alpha', protocol: 'openai', baseUrl: alpha.baseUrl, apiKeys: ['k'], models: [fakeModel('alpha-chat')] },
      ],
    },
    undefined,
    { SWITCHBOARD_DATA_DIR: path.join(root, dir), ...env },
  );

async function createKey(url: string, name: string): Promise<string> {
  const created = await call(url, 'POST', '/admin/client-keys', ADMIN, { name });
  expect(created.status).toBe(201);
  return (created.body as { key: string }).key;
}

describe('stored responses per client key', () => {
  it("a client key's responses are its own: another key or the admin gets 404 for GET, DELETE and continuing", async () => {
    gw = await start('scope', { SWITCHBOARD_ADMIN_KEY: ADMIN });
    const url = gw.url;
    const ann = clientWith(url, await createKey(url, 'ann'));
    const bob = await createKey(url, 'bob');
    const made = await ann.responses.create({ model: 'auto', input: 'my secret plan' });
    for (const token of [bob, ADMIN]) {
      for (const method of ['GET', 'DELETE']) {
        const answer = await call(url, method, `/v1/responses/${made.id}`, token);
        expect(answer.status, `${method} as another caller`).toBe(404);
        expect(schemaErrors.error(answer.body)).toEqual([]);
      }
      const continued = await call(url, 'POST', '/v1/responses', token, {
        model: 'auto',
        previous_response_id: made.id,
        input: 'and?',
      });
      expect(continued.status).toBe(404);
      expect(continued.body.error).toMatchObject({
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
      // Item references reach no further than the caller's own responses either.
      const referred = await call(url, 'POST', '/v1/responses', token, {
        model: 'auto',
        input: [{ type: 'item_reference', id: made.output[0]!.id }],
      });
      expect(referred.status).toBe(404);
      expect(referred.body.error.param).toBe('input[0].id');
    }
    // Nothing of ann's reached the upstream on the others' behalf: one call, hers.
    expect(JSON.stringify(alpha.requests.map((r) => r.body))).not.toContain('and?');
    expect((await ann.responses.retrieve(made.id)).id).toBe(made.id);
    const admins = await call(url, 'POST', '/v1/responses', ADMIN, { model: 'auto', input: 'admin note' });
    expect(admins.status).toBe(200);
    expect((await call(url, 'GET', `/v1/responses/${admins.body.id}`, ADMIN)).status).toBe(200);
    expect((await call(url, 'GET', `/v1/responses/${admins.body.id}`, bob)).status).toBe(404);
  });

  it('shares stored responses between instances on one Redis: one stores, the other continues it', async () => {
    const env = redisEnv('responses');
    gw = await start('redis-1', env);
    const other = await start('redis-2', env);
    try {
      const made = await gw.client.responses.create({ model: 'auto', input: 'first turn' });
      expect((await other.client.responses.retrieve(made.id)).output).toEqual(made.output);
      await other.client.responses.create({ model: 'auto', previous_response_id: made.id, input: 'second turn' });
      const sent = alpha.requests.at(-1)!.body as { messages: Array<{ content: unknown }> };
      expect(sent.messages.map((m) => m.content)).toEqual(['first turn', DEFAULT_TEXT, 'second turn']);
      await other.client.responses.delete(made.id);
      expect((await call(gw.url, 'GET', `/v1/responses/${made.id}`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('keeps stored responses across a restart (SQLite in the data directory)', async () => {
    gw = await start('restart');
    const made = await gw.client.responses.create({ model: 'auto', input: 'remember me' });
    await gw.close();
    gw = await start('restart');
    const got = await gw.client.responses.retrieve(made.id);
    expect(got.output).toEqual(made.output);
    await gw.client.responses.create({ model: 'auto', previous_response_id: made.id, input: 'still there?' });
    const sent = alpha.requests.at(-1)!.body as { messages: Array<{ content: unknown }> };
    expect(sent.messages.map((m) => m.content)).toEqual(['remember me', DEFAULT_TEXT, 'still there?']);
  });
});
