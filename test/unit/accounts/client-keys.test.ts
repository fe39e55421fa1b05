// Client keys: stored hashed only, found by any instance on the same store, limited per minute and per day.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClientKeys, type ClientKeys, type ClientKeysOptions } from '../../../src/accounts/client-keys.js';
import { hashSecret } from '../../../src/accounts/secrets.js';
import { GatewayError } from '../../../src/errors.js';
import { createMemoryRecordStore, RECORDS_FILE } from '../../../src/storage/memory/records.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';
import { createRedisRecordStore } from '../../../src/storage/redis/records.js';
import type { RecordStore } from '../../../src/storage/types.js';
import { testRedisUrl, uniqueKeyPrefix } from '../../helpers/redis.js';

let clock = 1_700_000_000_000;
const opened: ClientKeys[] = [];
const connections: Redis[] = [];
const subscribed: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  opened.splice(0).forEach((keys) => keys.close());
  await Promise.all(subscribed.splice(0).map((records) => records.close()));
  connections.splice(0).forEach((redis) => redis.disconnect());
});

async function open(overrides: Partial<ClientKeysOptions> = {}): Promise<ClientKeys> {
  const keys = await createClientKeys({
    records: createMemoryRecordStore(),
    windows: createMemoryWindowStore(),
    requireAuth: false,
    now: () => clock,
    ...overrides,
  });
  opened.push(keys);
  return keys;
}

/** A RecordStore that counts its list calls: how often the index was re-read. */
function countingLists(records: RecordStore): RecordStore & { lists: number } {
  const counted = {
    ...records,
    lists: 0,
    list: (collection: string) => ((counted.lists += 1), records.list(collection)),
  };
  return counted;
}

/**
 * A RecordStore whose `op` (list or get) answers with what the store held when it was called, but only once `release`
 * is called, while `holding` is set: a read of an instance that began before another instance's change.
 */
function heldReads(records: RecordStore, op: 'list' | 'get') {
  const held = { holding: false, waiting: undefined as (() => void) | undefined, release: () => held.waiting?.() };
  const hold = async <T>(answer: Promise<T>): Promise<T> => {
    const value = await answer;
    if (held.holding) {
      held.holding = false;
      await new Promise<void>((resolve) => {
        held.waiting = resolve;
      });
    }
    return value;
  };
  const store: RecordStore =
    op === 'list'
      ? { ...records, list: (collection) => hold(records.list(collection)) }
      : { ...records, get: (collection, id) => hold(records.get(collection, id)) };
  return { store, held };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('client keys', () => {
  it('stores only the SHA-256 of a key, never the key itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-ck-'));
    const keys = await open({ records: createMemoryRecordStore(dir) });
    const created = await keys.create({ name: 'ci', models: ['groq/llama'], rpm: 5, dailyTokens: 1000 });
    expect(created.key).toMatch(/^sk-sb-[A-Za-z0-9_-]{43}$/);
    expect(created.id).toMatch(/^ck_/);
    const file = readFileSync(join(dir, RECORDS_FILE), 'utf8');
    expect(file).not.toContain(created.key);
    expect(file).not.toContain(created.key.slice('sk-sb-'.length));
    expect(file).toContain(hashSecret(created.key));
    expect(await keys.list()).toEqual([
      { id: created.id, name: 'ci', models: ['groq/llama'], rpm: 5, dailyTokens: 1000, createdAt: clock },
    ]);
  });

  it('authenticates the right key only, and no longer once revoked', async () => {
    const keys = await open();
    const created = await keys.create({ name: 'app' });
    expect(await keys.authenticate(created.key)).toMatchObject({ id: created.id, name: 'app' });
    expect(await keys.authenticate(`${created.key.slice(0, -1)}x`)).toBeUndefined();
    expect(await keys.authenticate('sk-sb-nothing')).toBeUndefined();
    expect(await keys.revoke(created.id)).toBe(true);
    expect(await keys.revoke(created.id)).toBe(false);
    expect(await keys.authenticate(created.key)).toBeUndefined();
  });

  it('requires auth once a key exists, or always with requireAuth', async () => {
    const keys = await open();
    expect(keys.authRequired()).toBe(false);
    const created = await keys.create({ name: 'app' });
    expect(keys.authRequired()).toBe(true);
    await keys.revoke(created.id);
    expect(keys.authRequired()).toBe(false);
    expect((await open({ requireAuth: true })).authRequired()).toBe(true);
  });

  it('lets a second instance on the same Redis use a key made by the first, and see it revoked', async () => {
    const keyPrefix = uniqueKeyPrefix('client-keys');
    const recordsOf = () => {
      const redis = new Redis(testRedisUrl());
      connections.push(redis);
      const records = createRedisRecordStore(redis, { keyPrefix });
      subscribed.push(records);
      return records;
    };
    const [a, b] = [await open({ records: recordsOf() }), await open({ records: recordsOf() })];
    expect(b.authRequired()).toBe(false);
    const created = await a.create({ name: 'shared', rpm: 3 });
    // B has never seen it: the miss re-reads the store.
    expect(await b.authenticate(created.key)).toMatchObject({ id: created.id, rpm: 3 });
    expect(b.authRequired()).toBe(true);
    await a.revoke(created.id);
    clock += 5_000; // B's index is now older than refreshMs
    expect(await b.authenticate(created.key)).toBeUndefined();
    // Auth turns off on B at B's first read after A turned it off (client-auth-switch.ts, turnOff): the setting's
    // notice asks for one, after the read that A's delete started (which may have read the setting before the write).
    await vi.waitFor(() => expect(b.authRequired()).toBe(false), { timeout: 3_000 });
  });

  it('answers a refresh asked for while a read runs with a read that starts after it', async () => {
    const records = createMemoryRecordStore();
    const a = await open({ records });
    const { store, held } = heldReads(records, 'list');
    const b = await open({ records: store, refreshMs: 60_000, missRefreshMs: 60_000 });
    // A miss now: the lookup below may not re-read the store on its own.
    expect(await b.authenticate('sk-sb-wrong')).toBeUndefined();
    held.holding = true;
    const stale = b.refresh();
    await vi.waitFor(() => expect(held.waiting).toBeDefined());
    // Made while B's read holds the keys of before.
    const created = await a.create({ name: 'meanwhile' });
    const fresh = b.refresh();
    held.release();
    await Promise.all([stale, fresh]);
    expect(await b.authenticate(created.key)).toMatchObject({ id: created.id });
  });

  it('turns auth off on another instance when the last key is revoked, though its read saw the setting before', async () => {
    const records = createMemoryRecordStore();
    const a = await open({ records });
    const { store, held } = heldReads(records, 'get');
    const b = await open({ records: store, refreshMs: 60_000 });
    const created = await a.create({ name: 'last' });
    await b.refresh();
    expect(b.authRequired()).toBe(true);
    // B's read after the delete reads the auth setting before A turns it off, and answers only after.
    held.holding = true;
    const revoked = a.revoke(created.id);
    await vi.waitFor(() => expect(held.waiting).toBeDefined());
    await revoked;
    held.release();
    await vi.waitFor(() => expect(b.authRequired()).toBe(false));
  });

  it('learns of keys made elsewhere on refresh, so authRequired flips without a lookup', async () => {
    const records = createMemoryRecordStore();
    // B misses the store's notices, as an instance does whose subscription dropped: only its refresh reads again.
    const deaf: RecordStore = { ...records, watch: async () => async () => {} };
    const [a, b] = [await open({ records }), await open({ records: deaf })];
    await a.create({ name: 'elsewhere' });
    expect(b.authRequired()).toBe(false);
    await b.refresh();
    expect(b.authRequired()).toBe(true);
  });

  it('re-reads the store for unknown tokens at most once per missRefreshMs', async () => {
    const records = countingLists(createMemoryRecordStore());
    const keys = await open({ records, missRefreshMs: 1_000, refreshMs: 60_000 });
    const loads = records.lists;
    await Promise.all(Array.from({ length: 50 }, (_, i) => keys.authenticate(`sk-sb-wrong-${i}`)));
    expect(records.lists).toBe(loads + 1);
    clock += 999;
    await keys.authenticate('sk-sb-wrong-again');
    expect(records.lists).toBe(loads + 1);
    clock += 1;
    await keys.authenticate('sk-sb-wrong-again');
    expect(records.lists).toBe(loads + 2);
  });

  it('refuses the request over rpm with a wait, and admits again once the minute has passed', async () => {
    const keys = await open();
    const client = await keys.create({ name: 'slow', rpm: 2 });
    await keys.admit(client, clock);
    await keys.admit(client, clock + 1);
    const err = await rejection(keys.admit(client, clock + 2));
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'client_rate_limit' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    await expect(keys.admit(client, clock + 2 + err.retryAfterMs!)).resolves.toBeUndefined();
  });

  it('refuses once the recorded tokens reach the daily budget, until they expire', async () => {
    const keys = await open();
    const client = await keys.create({ name: 'budget', dailyTokens: 100 });
    await keys.recordTokens(client.id, 60, clock);
    await keys.admit(client, clock + 1);
    await keys.recordTokens(client.id, 40, clock + 1);
    const err = await rejection(keys.admit(client, clock + 2));
    expect(err).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'daily_token_budget_exceeded' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    await expect(keys.admit(client, clock + 2 + err.retryAfterMs!)).resolves.toBeUndefined();
  });

  it('reports a spent budget rather than the rate, and spends no request on a refusal', async () => {
    const keys = await open();
    const client = await keys.create({ name: 'both', rpm: 1, dailyTokens: 10 });
    await keys.recordTokens(client.id, 10, clock);
    expect(await rejection(keys.admit(client, clock))).toMatchObject({ code: 'daily_token_budget_exceeded' });
    // A client without the budget rule on the same id: its one request of the minute is still free.
    await expect(keys.admit({ ...client, dailyTokens: undefined }, clock)).resolves.toBeUndefined();
  });

  it('allows every model without a list, else the listed refs and provider/* entries', async () => {
    const keys = await open();
    const all = await keys.create({ name: 'all' });
    const some = await keys.create({ name: 'some', models: ['groq/llama-3.3-70b', 'gemini/*'] });
    expect(keys.allowsModel(all, 'openai/gpt-4o')).toBe(true);
    expect(keys.allowsModel(some, 'groq/llama-3.3-70b')).toBe(true);
    expect(keys.allowsModel(some, 'gemini/gemini-2.5-flash')).toBe(true);
    expect(keys.allowsModel(some, 'groq/other')).toBe(false);
    expect(keys.allowsModel(some, 'geminix/model')).toBe(false);
  });
});
