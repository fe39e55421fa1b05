// End to end: a provider key added through POST /admin/keys turns its provider on and reaches it, survives a restart,
// and is stored encrypted (the data dir's database or Redis) with its plaintext nowhere; a missing or wrong master key
// is refused.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { VAULT_COLLECTION } from '../../src/accounts/key-vault.js';
import { DATABASE_FILE } from '../../src/storage/sqlite/database.js';
import { testRedisUrl } from '../helpers/redis.js';
import { call, filesUnder, leakIn, modelIds, tempDataDir } from './accounts-harness.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-vault-e2e-0001';
const MASTER = 'master-key-vault-e2e-correct-horse';
/** A fresh secret per run, so a leak from an earlier run cannot make a test pass or fail. */
const SECRET = `sk-alpha-${randomBytes(16).toString('hex')}`;
const fileDir = tempDataDir('vault-file');
const lockedDir = tempDataDir('vault-locked');
const wrongDir = tempDataDir('vault-wrong');

let alpha: FakeUpstream;
beforeAll(async () => {
  alpha = await startOpenAIUpstream();
});
afterAll(async () => {
  await alpha.close();
});

/** alpha is known (in the config) but has no keys: it is off until one is added. */
const config = () => ({
  providers: [{ id: 'alpha', protocol: 'openai', baseUrl: alpha.baseUrl, models: [fakeModel('alpha-chat')] }],
});

/** Adds SECRET for alpha and checks the answer shows it masked only. */
async function addKey(gw: TestGateway): Promise<string> {
  const added = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'alpha', key: SECRET });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({
    provider: 'alpha',
    masked: `sk-a…${SECRET.slice(-4)}`,
    source: 'vault',
    status: 'active',
  });
  expect(JSON.stringify(added.body)).not.toContain(SECRET);
  return (added.body as { id: string }).id;
}

/** A chat through the gateway reaches alpha with SECRET as its bearer key. */
async function chatReachesAlphaWithSecret(gw: TestGateway): Promise<void> {
  const before = alpha.requests.length;
  const answer = await gw.client.chat.completions.create({
    model: 'alpha/alpha-chat',
    messages: [{ role: 'user', content: 'hi' }],
  });
  expect(answer.choices[0]!.message.content).toBe('Hello from the fake upstream.');
  expect(alpha.requests.slice(before).map((r) => r.headers['authorization'])).toEqual([`Bearer ${SECRET}`]);
}

/** Every key under `prefix` in Redis, with everything it holds as text (a type not read here fails the test). */
async function redisDump(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000');
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => redis.get(key),
        hash: () => redis.hgetall(key),
        stream: () => redis.xrange(key, '-', '+'),
        zset: () => redis.zrange(key, '0', '-1', 'WITHSCORES'),
        list: () => redis.lrange(key, 0, -1),
        set: () => redis.smembers(key),
      };
      if (read[type] === undefined) throw new Error(`${key} has type ${type}, which this test does not read`);
      dump.set(key, JSON.stringify(await read[type]!()));
    }
  } while (cursor !== '0');
  return dump;
}

describe('the key vault in the data directory', () => {
  it('turns alpha on with a run-time key that survives a restart, stored encrypted in a 0600 database', async () => {
    const env = { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_MASTER_KEY: MASTER, SWITCHBOARD_DATA_DIR: fileDir };
    let gw = await startTestGateway(config(), undefined, env);
    let id: string;
    try {
      expect(await modelIds(gw.url)).toEqual(['auto']);
      id = await addKey(gw);
      expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
      await chatReachesAlphaWithSecret(gw);
      const listed = await call(gw.url, 'GET', '/admin/keys', ADMIN);
      expect(listed.body.data).toEqual([expect.objectContaining({ id, provider: 'alpha', source: 'vault', uses: 1 })]);
      expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    } finally {
      await gw.close();
    }

    gw = await startTestGateway(config(), undefined, env);
    try {
      expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
      await chatReachesAlphaWithSecret(gw);
    } finally {
      await gw.close();
    }

    const files = filesUnder(fileDir);
    const database = path.join(fileDir, DATABASE_FILE);
    expect(files.map((f) => f.file)).toContain(database);
    // The entry is there (by id), but no form of the secret is, in any file.
    expect(files.find((f) => f.file === database)!.text).toContain(id);
    for (const { file, text } of files) expect({ file, leak: leakIn(text, SECRET) }).toEqual({ file, leak: undefined });
    for (const { file } of files) expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  it("refuses run-time keys without SWITCHBOARD_MASTER_KEY, in OpenAI's error shape, and stores nothing", async () => {
    const gw = await startTestGateway(config(), undefined, {
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_DATA_DIR: lockedDir,
    });
    try {
      const refused = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'alpha', key: SECRET });
      expect(refused.status).toBe(503);
      expect(schemaErrors.error(refused.body)).toEqual([]);
      expect(refused.body.error.code).toBe('vault_locked');
      expect(refused.body.error.message).toMatch(/SWITCHBOARD_MASTER_KEY is not set/);
      expect(JSON.stringify(refused.body)).not.toContain(SECRET);
      expect(await modelIds(gw.url)).toEqual(['auto']);
    } finally {
      await gw.close();
    }
    const database = new Database(path.join(lockedDir, DATABASE_FILE), { readonly: true });
    try {
      const entries = database.prepare('SELECT COUNT(*) FROM records WHERE collection = ?').pluck();
      expect(entries.get(VAULT_COLLECTION)).toBe(0);
    } finally {
      database.close();
    }
    for (const { file, text } of filesUnder(lockedDir)) {
      expect({ file, leak: leakIn(text, SECRET) }).toEqual({ file, leak: undefined });
    }
  });

  it('will not start over an existing vault with a wrong master key, or with none', async () => {
    const env = { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_MASTER_KEY: MASTER, SWITCHBOARD_DATA_DIR: wrongDir };
    const gw = await startTestGateway(config(), undefined, env);
    await addKey(gw).finally(() => gw.close());

    const wrong = 'master-key-that-is-not-the-one';
    const failed = await startTestGateway(config(), undefined, { ...env, SWITCHBOARD_MASTER_KEY: wrong }).then(
      async (started) => void (await started.close()),
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('SWITCHBOARD_MASTER_KEY does not open the key vault');
    expect((failed as Error).message).toContain(path.join(wrongDir, DATABASE_FILE));
    expect((failed as Error).message).not.toContain(wrong);

    const { SWITCHBOARD_MASTER_KEY: _omitted, ...withoutMaster } = env;
    await expect(startTestGateway(config(), undefined, withoutMaster)).rejects.toThrow(
      /holds 1 key\(s\) but SWITCHBOARD_MASTER_KEY is not set/,
    );
  });
});

describe('the key vault in Redis', () => {
  it('keeps a run-time key across a restart, and no form of its plaintext is anywhere under the prefix', async () => {
    const redisVars = redisEnv('vault');
    const prefix = redisVars['SWITCHBOARD_REDIS_PREFIX']!;
    const env = { ...redisVars, SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_MASTER_KEY: MASTER };
    let gw = await startTestGateway(config(), undefined, env);
    try {
      await addKey(gw);
      await chatReachesAlphaWithSecret(gw);
    } finally {
      await gw.close();
    }
    gw = await startTestGateway(config(), undefined, env);
    try {
      expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
      await chatReachesAlphaWithSecret(gw);
    } finally {
      await gw.close();
    }

    const redis = new Redis(testRedisUrl());
    try {
      const dump = await redisDump(redis, prefix);
      expect([...dump.keys()]).toEqual(
        expect.arrayContaining([`${prefix}records:vault`, `${prefix}records:vault-meta`, `${prefix}usage`]),
      );
      for (const [key, text] of dump)
        expect({ key, leak: leakIn(key + text, SECRET) }).toEqual({ key, leak: undefined });
    } finally {
      redis.disconnect();
    }
  });
});
