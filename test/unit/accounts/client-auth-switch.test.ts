// Client auth stays on when the store loses its keys: the stored setting, the in-memory latch, the loud log line;
// only an admin revoking the last key turns it off, on every instance. And while the store cannot be read, keys are
// checked against the last read.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientKeys, type ClientKeys, type ClientKeysOptions } from '../../../src/accounts/client-keys.js';
import { StoreUnavailableError } from '../../../src/storage/errors.js';
import { createMemoryRecordStore } from '../../../src/storage/memory/records.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';
import { createRedisRecordStore } from '../../../src/storage/redis/records.js';
import type { RecordStore } from '../../../src/storage/types.js';
import { testRedisUrl, uniqueKeyPrefix } from '../../helpers/redis.js';

const opened: ClientKeys[] = [];
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  opened.splice(0).forEach((keys) => keys.close());
  for (const close of closers.splice(0)) await close();
});

async function open(records: RecordStore, overrides: Partial<ClientKeysOptions> = {}): Promise<ClientKeys> {
  const keys = await createClientKeys({
    records,
    windows: createMemoryWindowStore(),
    requireAuth: false,
    ...overrides,
  });
  opened.push(keys);
  return keys;
}

/** Empties the store as a Redis restarted without persistence would: every client key and setting gone. */
async function wipe(records: RecordStore): Promise<void> {
  for (const collection of ['client-keys', 'settings'])
    for (const { id } of await records.list(collection)) await records.delete(collection, id);
}

describe('client auth switch', () => {
  it('stays on when the store loses every key and the setting, writes the setting back, and logs it', async () => {
    const records = createMemoryRecordStore();
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const keys = await open(records, { logger });
    const created = await keys.create({ name: 'app' });
    await wipe(records);
    await keys.refresh();
    expect(keys.authRequired()).toBe(true);
    expect(await keys.authenticate(created.key)).toBeUndefined();
    expect(lines.filter((line) => /vanished/.test(line) && /Auth stays on/.test(line))).toHaveLength(1);
    // Written back: an instance started on the emptied store now finds auth on too.
    expect(JSON.parse((await records.get('settings', 'client-auth'))!)).toMatchObject({ enabled: true });
    expect((await open(records)).authRequired()).toBe(true);
  });

  it('is off on every instance once an admin revokes the last key', async () => {
    const records = createMemoryRecordStore();
    const [a, b] = [await open(records), await open(records)];
    const created = await a.create({ name: 'only' });
    await b.refresh();
    expect(b.authRequired()).toBe(true);
    await a.revoke(created.id);
    expect(a.authRequired()).toBe(false);
    await b.refresh();
    expect(b.authRequired()).toBe(false);
  });

  it('treats keys stored before the setting existed as auth on, and stores the setting', async () => {
    const records = createMemoryRecordStore();
    await (await open(records)).create({ name: 'old' });
    await records.delete('settings', 'client-auth');
    expect((await open(records)).authRequired()).toBe(true);
    expect(await records.get('settings', 'client-auth')).toBeDefined();
  });

  it('hears of a revocation on another instance through the change notices, without re-reading on lookups', async () => {
    const keyPrefix = uniqueKeyPrefix('auth-switch');
    const recordsOf = () => {
      const redis = new Redis(testRedisUrl());
      const records = createRedisRecordStore(redis, { keyPrefix });
      closers.push(async () => {
        await records.close();
        redis.disconnect();
      });
      return records;
    };
    // A frozen clock and an hour between re-reads: nothing but a notice can update B.
    const frozen = { now: () => 1_700_000_000_000, refreshMs: 3_600_000, missRefreshMs: 3_600_000 };
    const a = await open(recordsOf(), frozen);
    const stays = await a.create({ name: 'stays' });
    const goes = await a.create({ name: 'goes' });
    const b = await open(recordsOf(), frozen);
    expect(await b.authenticate(goes.key)).toMatchObject({ id: goes.id });
    await a.revoke(goes.id);
    const end = Date.now() + 5_000;
    while ((await b.authenticate(goes.key)) !== undefined && Date.now() < end)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await b.authenticate(goes.key)).toBeUndefined();
    expect(await b.authenticate(stays.key)).toMatchObject({ id: stays.id });
  });

  it('checks keys against the last read while the store does not answer, and keeps auth on', async () => {
    const records = createMemoryRecordStore();
    let down = false;
    const flaky: RecordStore = {
      ...records,
      list: (collection) => (down ? Promise.reject(new StoreUnavailableError()) : records.list(collection)),
    };
    let clock = 1_700_000_000_000;
    const keys = await open(flaky, { now: () => clock });
    const created = await keys.create({ name: 'app' });
    down = true;
    clock += 60_000; // the index is stale: a lookup re-reads, which fails
    expect(await keys.authenticate(created.key)).toMatchObject({ id: created.id });
    expect(await keys.authenticate('sk-sb-unknown')).toBeUndefined();
    expect(keys.authRequired()).toBe(true);
    await expect(keys.list()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
