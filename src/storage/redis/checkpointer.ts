// LangGraph checkpoint saver on plain Redis 6/7 (no modules), so any instance can resume any thread; threads expire
// when idle.
//
// Layout: checkpoint-layout.ts (five keys per thread under one hash tag, plus a registry of threads); record format:
// ../checkpoint-records.ts. Channel values are stored once per channel version (as Postgres's saver does), so a put
// stores only the channels in `newVersions`. A put or putWrites is one MULTI (records, index entries, TTL refresh of
// every key of the thread), next to a pipeline that updates the registry. A read is one Lua script for the checkpoint
// and its writes (checkpoint-fetch.ts), then one HMGET for its channel values. deleteThread removes the five keys.
// TTL: each write sets every key of its thread to expire `ttlMs` later, so a thread expires as a whole, `ttlMs` after
// its last write (reads do not extend it).
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  getCheckpointId,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { Redis, type ChainableCommander } from 'ioredis';
import { pino, type Logger } from 'pino';
import { candidatePages, type Candidate } from './checkpoint-list.js';
import { fetchCheckpoint } from './checkpoint-fetch.js';
import {
  assertNoSeparator,
  blobField,
  checkpointKeys,
  checkpointMember,
  writeField,
  type CheckpointKeys,
  type ThreadKeys,
} from './checkpoint-layout.js';
import { dumpPut, dumpWrites } from '../checkpoint-records.js';
import {
  buildTuple,
  configOf,
  namespaceOf,
  requireThreadId,
  threadIdOf,
  type TupleSource,
} from '../checkpoint-tuple.js';
import { closeConnection, watchConnection } from './connection.js';

/** Options of the Redis checkpointer. */
export interface RedisCheckpointSaverOptions {
  /** Prepended to every key (default `switchboard:`). */
  keyPrefix?: string;
  /** A thread expires this long after its last write (default 7 days); 0 or Infinity: never. */
  ttlMs?: number;
  /** Where connection trouble of a connection it opened itself is reported (default: pino at warn). */
  logger?: Logger;
  /** Serializer of checkpoints, metadata, channel values and writes (default: LangGraph's JsonPlusSerializer). */
  serde?: SerializerProtocol;
}

/** How long a thread is kept after its last write, by default. */
export const DEFAULT_CHECKPOINT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A LangGraph checkpointer on ioredis. Given a URL it opens (and on close() quits) its own connection; given a
 * connection it uses it and leaves it open. Instances on one Redis with one prefix share every thread.
 */
export class RedisCheckpointSaver extends BaseCheckpointSaver {
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly keys: CheckpointKeys;
  private readonly ttlMs: number | undefined;

  constructor(redis: Redis | string, options: RedisCheckpointSaverOptions = {}) {
    super(options.serde);
    this.ownsConnection = typeof redis === 'string';
    this.redis = typeof redis === 'string' ? new Redis(redis) : redis;
    if (this.ownsConnection) watchConnection(this.redis, options.logger ?? pino({ level: 'warn' }), 'checkpointer');
    this.keys = checkpointKeys(options.keyPrefix ?? 'switchboard:');
    const ttlMs = options.ttlMs ?? DEFAULT_CHECKPOINT_TTL_MS;
    this.ttlMs = ttlMs > 0 && Number.isFinite(ttlMs) ? Math.max(1, Math.floor(ttlMs)) : undefined;
  }

  /** The checkpoint named by the config's checkpoint_id, else its namespace's latest; undefined when none. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) return undefined;
    const ns = namespaceOf(config);
    const keys = this.keys.thread(threadId);
    const fetched = await fetchCheckpoint(this.redis, keys, ns, getCheckpointId(config));
    return fetched && buildTuple(this.source(keys, ns), threadId, ns, fetched);
  }

  /**
   * Checkpoints newest first: of one thread (or of every thread, the most recently written first), one namespace
   * (or all of them), only the config's checkpoint_id when it has one; `before`: ids below its checkpoint_id;
   * `filter`: metadata fields deep-equal to these; `limit`: at most this many.
   */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { filter } = options;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const threadId = threadIdOf(config);
    const ns = config.configurable?.['checkpoint_ns'] === undefined ? undefined : namespaceOf(config);
    const query = {
      ns,
      only: getCheckpointId(config) || undefined,
      before: (options.before && getCheckpointId(options.before)) || undefined,
    };
    const threads = threadId === undefined ? await this.knownThreads() : [threadId];
    for (const thread of threads) {
      const keys = this.keys.thread(thread);
      for await (const page of candidatePages(
        this.redis,
        keys,
        query,
        filter === undefined ? remaining : Number.POSITIVE_INFINITY,
      )) {
        const tuples = await Promise.all(page.map((candidate) => this.load(thread, keys, candidate, filter)));
        for (const tuple of tuples) {
          if (tuple === undefined) continue;
          yield tuple;
          remaining -= 1;
          if (remaining <= 0) return;
        }
      }
    }
  }

  /** Stores a checkpoint after the config's checkpoint_id (its parent), with the channel values of `newVersions`. */
  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireThreadId(config, 'put a checkpoint');
    const ns = namespaceOf(config);
    assertNoSeparator('checkpoint_ns', ns);
    assertNoSeparator('checkpoint id', checkpoint.id);
    const parentId = getCheckpointId(config) || undefined;
    const { record, blobs: dumped } = await dumpPut(this.serde, checkpoint, metadata, parentId, newVersions);
    const blobs: (string | Buffer)[] = [];
    for (const { channel, version, blob } of dumped) {
      assertNoSeparator('channel name', channel);
      blobs.push(blobField(ns, channel, version), blob);
    }
    const keys = this.keys.thread(threadId);
    const member = checkpointMember(ns, checkpoint.id);
    const tx = this.redis.multi().hset(keys.checkpoints, member, record).zadd(keys.index, 0, member);
    if (blobs.length > 0) tx.hset(keys.blobs, ...blobs);
    await this.commit(threadId, keys, tx);
    return configOf(threadId, ns, checkpoint.id);
  }

  /**
   * Stores a task's writes against the config's checkpoint. A write already stored under the same (task, idx) is kept
   * (a retried task does not overwrite), except on the special channels (error, interrupt...), where the last wins.
   */
  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const threadId = requireThreadId(config, 'put writes');
    const ns = namespaceOf(config);
    const checkpointId = getCheckpointId(config);
    if (checkpointId === '')
      throw new Error('Failed to put writes: the config has no "checkpoint_id" in its "configurable" property');
    for (const [what, value] of [
      ['checkpoint_ns', ns],
      ['checkpoint id', checkpointId],
      ['task id', taskId],
    ] as const)
      assertNoSeparator(what, value);
    const keys = this.keys.thread(threadId);
    const tx = this.redis.multi();
    const dumped = await dumpWrites(this.serde, writes, taskId, taskPath);
    const records = dumped.map(({ idx, record }) => ({
      idx,
      record,
      field: writeField(ns, checkpointId, taskId, idx),
    }));
    for (const { idx, field, record } of records) {
      if (idx >= 0) tx.hsetnx(keys.writes, field, record);
      else tx.hset(keys.writes, field, record);
      tx.zadd(keys.writeIndex, 0, field);
    }
    await this.commit(threadId, keys, tx);
  }

  /** Removes every checkpoint, channel value and write of the thread, in every namespace. */
  async deleteThread(threadId: string): Promise<void> {
    const keys = this.keys.thread(String(threadId));
    await Promise.all([this.redis.zrem(this.keys.registry, String(threadId)), this.redis.del(...keys.all)]);
  }

  /** Quits the connection when the checkpointer opened it; a given connection is left open. */
  async close(): Promise<void> {
    if (this.ownsConnection) await closeConnection(this.redis);
  }

  /** Queues the TTL refresh of every key of the thread, then runs the MULTI and records the thread as written now. */
  private async commit(threadId: string, keys: ThreadKeys, tx: ChainableCommander): Promise<void> {
    const registry = this.redis.pipeline().zadd(this.keys.registry, Date.now(), threadId);
    if (this.ttlMs !== undefined) {
      for (const key of keys.all) tx.pexpire(key, this.ttlMs);
      registry.pexpire(this.keys.registry, this.ttlMs);
    }
    // The registry goes first: a thread may be listed with nothing stored yet, never stored without being listed.
    const [registered, committed] = await Promise.all([registry.exec(), tx.exec()]);
    const failed = [...(registered ?? []), ...(committed ?? [])].find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** Every thread written within the TTL, the most recently written first (expired ones are pruned first). */
  private async knownThreads(): Promise<string[]> {
    if (this.ttlMs !== undefined)
      await this.redis.zremrangebyscore(this.keys.registry, '-inf', `(${Date.now() - this.ttlMs}`);
    return this.redis.zrevrange(this.keys.registry, 0, -1);
  }

  private async load(
    threadId: string,
    keys: ThreadKeys,
    candidate: Candidate,
    filter?: Record<string, unknown>,
  ): Promise<CheckpointTuple | undefined> {
    const fetched = await fetchCheckpoint(this.redis, keys, candidate.ns, candidate.id);
    return fetched && buildTuple(this.source(keys, candidate.ns), threadId, candidate.ns, fetched, filter);
  }

  private source(keys: ThreadKeys, ns: string): TupleSource {
    return {
      serde: this.serde,
      blobs: (channels) =>
        this.redis.hmgetBuffer(keys.blobs, ...channels.map(([channel, version]) => blobField(ns, channel, version))),
      writesOf: async (checkpointId) => (await fetchCheckpoint(this.redis, keys, ns, checkpointId))?.writes ?? [],
      firstVersion: () => this.getNextVersion(undefined),
    };
  }
}
