// What only the Redis checkpointer has: its key layout, TTLs, instances sharing threads, write conflicts, script
// reload.
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { Command, END, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import {
  emptyCheckpoint,
  ERROR,
  MemorySaver,
  uuid6,
  type BaseCheckpointSaver,
  type Checkpoint,
} from '@langchain/langgraph-checkpoint';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores } from '../../src/storage/index.js';
import { RedisCheckpointSaver, type RedisCheckpointSaverOptions } from '../../src/storage/redis/checkpointer.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { deleteKeys } from './checkpointer.initializer.js';
import { eventually, uniqueId } from './event-log.helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function raw(): Redis {
  const redis = new Redis(testRedisUrl());
  cleanup.push(async () => redis.disconnect());
  return redis;
}
/** A saver with its own connection (as a separate gateway instance would have). */
function saver(keyPrefix: string, options: RedisCheckpointSaverOptions = {}): RedisCheckpointSaver {
  const s = new RedisCheckpointSaver(testRedisUrl(), { keyPrefix, ...options });
  cleanup.push(() => s.close());
  return s;
}
function prefix(): string {
  const p = uniqueKeyPrefix('checkpointer');
  cleanup.push(async () => {
    const redis = new Redis(testRedisUrl());
    await deleteKeys(redis, p);
    redis.disconnect();
  });
  return p;
}
function checkpoint(values: Record<string, unknown> = {}): Checkpoint {
  return {
    ...emptyCheckpoint(),
    id: uuid6(0),
    channel_values: values,
    channel_versions: Object.fromEntries(Object.keys(values).map((k) => [k, 1])),
  };
}
const meta = { source: 'loop' as const, step: 0, parents: {} };
const thread = (id: string, ns = '') => ({ configurable: { thread_id: id, checkpoint_ns: ns } });
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
async function keysUnder(redis: Redis, p: string): Promise<string[]> {
  return (await redis.keys(`${p}*`)).map((key) => key.slice(p.length)).sort();
}

describe('Redis checkpointer', () => {
  it('keeps a thread in five keys under one hash tag, with channel values stored once per version', async () => {
    const [p, redis] = [prefix(), raw()];
    const s = saver(p);
    const first = await s.put(thread('t1', 'sub'), checkpoint({ a: 'x', b: 'y' }), meta, { a: 1 });
    await s.putWrites(first, [['a', 'z']], 'task-1');
    expect(await keysUnder(redis, p)).toEqual([
      'cp:threads',
      'cp:{t1}:blobs',
      'cp:{t1}:checkpoints',
      'cp:{t1}:index',
      'cp:{t1}:write-index',
      'cp:{t1}:writes',
    ]);
    const id = String(first.configurable?.checkpoint_id);
    expect(await redis.zrange(`${p}cp:{t1}:index`, '0', '-1')).toEqual([`sub\0${id}`]);
    expect(await redis.hkeys(`${p}cp:{t1}:blobs`)).toEqual(['sub\0a\x001']); // b was not in newVersions
    expect(await redis.zrange(`${p}cp:{t1}:write-index`, '0', '-1')).toEqual([`sub\0${id}\0task-1\x000`]);
    expect(await redis.zrange(`${p}cp:threads`, '0', '-1')).toEqual(['t1']);
    expect((await s.getTuple(first))?.checkpoint.channel_values).toEqual({ a: 'x' });
  });

  it('refreshes the TTL of every key of the thread on each write', async () => {
    const [p, redis] = [prefix(), raw()];
    const s = saver(p, { ttlMs: 60_000 });
    const config = await s.put(thread('t'), checkpoint({ a: 1 }), meta, { a: 1 });
    await s.putWrites(config, [['a', 2]], 'task');
    const keys = (await redis.keys(`${p}*`)).sort();
    expect(keys).toHaveLength(6);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    for (const key of keys) await redis.pexpire(key, 5_000); // as if they had aged
    await s.putWrites(config, [['a', 3]], 'other-task'); // touches only the writes, yet refreshes all
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(50_000);
  });

  it('lets a thread expire as a whole ttlMs after its last write, and forgets it in list()', async () => {
    const [p, redis] = [prefix(), raw()];
    const s = saver(p, { ttlMs: 300 });
    const config = await s.put(thread('short-lived'), checkpoint({ a: 1 }), meta, { a: 1 });
    await s.putWrites(config, [['a', 2]], 'task');
    expect(await s.getTuple(thread('short-lived'))).toBeDefined();
    await eventually(
      'the thread expired',
      async () => (await s.getTuple(thread('short-lived'))) === undefined && (await keysUnder(redis, p)).length === 0,
    );
    expect(await all(s.list({}))).toEqual([]);
  });

  it('never expires with ttlMs 0', async () => {
    const [p, redis] = [prefix(), raw()];
    await saver(p, { ttlMs: 0 }).put(thread('kept'), checkpoint(), meta, {});
    for (const key of await redis.keys(`${p}*`)) expect(await redis.pttl(key)).toBe(-1);
  });

  it('resumes on one instance a thread paused on another (a real graph with interrupt())', async () => {
    const p = prefix();
    const build = (checkpointer: BaseCheckpointSaver) =>
      new StateGraph(MessagesAnnotation)
        .addNode('ask', () => ({ messages: [new AIMessage(`you said: ${String(interrupt('Which color?'))}`)] }))
        .addEdge(START, 'ask')
        .addEdge('ask', END)
        .compile({ checkpointer });
    const [a, b] = [build(saver(p)), build(saver(p))];
    const config = { configurable: { thread_id: uniqueId('paused') } };
    await a.invoke({ messages: [new HumanMessage('paint it')] }, config);
    const seenByB = await b.getState(config);
    expect(seenByB.next).toEqual(['ask']);
    expect(seenByB.tasks[0]?.interrupts[0]?.value).toBe('Which color?');
    expect(seenByB.values.messages[0]).toBeInstanceOf(HumanMessage);
    const done = await b.invoke(new Command({ resume: 'blue' }), config);
    expect(done.messages.map((m) => [m.constructor.name, m.content])).toEqual([
      ['HumanMessage', 'paint it'],
      ['AIMessage', 'you said: blue'],
    ]);
    const seenByA = await a.getState(config);
    expect(seenByA.next).toEqual([]);
    expect(seenByA.values.messages).toHaveLength(2);
  });

  it('deletes every namespace of a thread and nothing of another', async () => {
    const [p, redis] = [prefix(), raw()];
    const s = saver(p);
    for (const ns of ['', 'child'])
      await s.putWrites(await s.put(thread('gone', ns), checkpoint({ a: 1 }), meta, { a: 1 }), [['a', 2]], 't');
    await s.put(thread('stays'), checkpoint(), meta, {});
    await s.deleteThread('gone');
    expect(await keysUnder(redis, p)).toEqual(['cp:threads', 'cp:{stays}:checkpoints', 'cp:{stays}:index']);
    expect((await all(s.list({}))).map((t) => t.config.configurable?.thread_id)).toEqual(['stays']);
  });

  it('keeps the first write of a (task, idx) but the last of a special channel', async () => {
    const s = saver(prefix());
    const config = await s.put(thread('w'), checkpoint(), meta, {});
    await s.putWrites(
      config,
      [
        ['animals', 'dog'],
        [ERROR, 'first error'],
      ],
      'task',
    );
    await s.putWrites(
      config,
      [
        ['animals', 'cat'],
        [ERROR, 'second error'],
      ],
      'task',
    );
    expect((await s.getTuple(config))?.pendingWrites).toEqual([
      ['task', ERROR, 'second error'],
      ['task', 'animals', 'dog'],
    ]);
  });

  it('lists every namespace of a thread newest first, and reads on after Redis forgot its script', async () => {
    const [p, redis] = [prefix(), raw()];
    const s = saver(p);
    const ids: string[] = [];
    for (const ns of ['b', '', 'a', 'b'])
      ids.push(String((await s.put(thread('t', ns), checkpoint(), meta, {})).configurable?.checkpoint_id));
    await redis.script('FLUSH');
    const listed = await all(s.list({ configurable: { thread_id: 't' } }, { limit: 3 }));
    expect(listed.map((t) => [t.config.configurable?.checkpoint_ns, t.checkpoint.id])).toEqual([
      ['b', ids[3]],
      ['a', ids[2]],
      ['', ids[1]],
    ]);
  });
});

describe('createStores checkpointer', () => {
  it("is MemorySaver for the memory store, and the Redis saver on the stores' prefix with a redis URL", async () => {
    const logger = pino({ level: 'silent' });
    const memory = createStores({ logger, store: 'memory' });
    cleanup.push(() => memory.close());
    expect(memory.checkpointer).toBeInstanceOf(MemorySaver);
    const keyPrefix = prefix();
    const stores = createStores({ logger, redisUrl: testRedisUrl(), keyPrefix, checkpointTtlMs: 120_000 });
    cleanup.push(() => stores.close());
    expect(stores.checkpointer).toBeInstanceOf(RedisCheckpointSaver);
    await stores.checkpointer.put(thread('via-stores'), checkpoint(), meta, {});
    expect(await saver(keyPrefix).getTuple(thread('via-stores'))).toBeDefined();
    const ttl = await raw().pttl(`${keyPrefix}cp:{via-stores}:index`);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});
