// LangGraph checkpoint saver on the instance's SQLite database: a paused agent thread survives a restart.
//
// Records are those of the Redis saver (../checkpoint-records.ts: serde bytes behind a small header), in tables keyed
// for how they are read (checkpoint-rows.ts): a namespace's latest checkpoint is the highest id (uuid6 ids sort by
// time), channel values are stored once per channel version (a put stores only `newVersions`), and a checkpoint's
// writes are one index range. Each put or putWrites is one transaction, committed before it resolves (never batched:
// a checkpoint is what resumes a thread after a crash). With `ttlMs`, a thread goes ttlMs after its last write.
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
import { dumpPut, dumpWrites } from '../checkpoint-records.js';
import {
  buildTuple,
  configOf,
  namespaceOf,
  requireThreadId,
  threadIdOf,
  type TupleSource,
} from '../checkpoint-tuple.js';
import { prepareCheckpointRows, type CheckpointKey, type CheckpointRows } from './checkpoint-rows.js';
import type { SqliteDatabase } from './database.js';

/** Options of the SQLite checkpointer. */
export interface SqliteCheckpointSaverOptions {
  /** A thread is deleted this long after its last write; undefined, 0 or Infinity: kept until deleteThread. */
  ttlMs?: number;
  /** Serializer of checkpoints, metadata, channel values and writes (default: LangGraph's JsonPlusSerializer). */
  serde?: SerializerProtocol;
  /** The clock of thread expiry (tests). */
  now?: () => number;
}

/** How often (at most) expired threads are looked for, on writes. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** A LangGraph checkpointer on `db` (the stores' shared handle: it is used, never closed). */
export class SqliteCheckpointSaver extends BaseCheckpointSaver {
  private readonly rows: CheckpointRows;
  private readonly ttlMs: number | undefined;
  private readonly now: () => number;
  private lastSweep = -Infinity;

  constructor(db: SqliteDatabase, options: SqliteCheckpointSaverOptions = {}) {
    super(options.serde);
    this.rows = prepareCheckpointRows(db);
    const ttlMs = options.ttlMs;
    this.ttlMs = ttlMs !== undefined && ttlMs > 0 && Number.isFinite(ttlMs) ? ttlMs : undefined;
    this.now = options.now ?? Date.now;
    this.sweep();
  }

  /** The checkpoint named by the config's checkpoint_id, else its namespace's latest; undefined when none. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) return undefined;
    return this.load({ thread_id: threadId, ns: namespaceOf(config), id: getCheckpointId(config) });
  }

  /**
   * Checkpoints newest first: of one thread (or of every thread), one namespace (or all of them), only the config's
   * checkpoint_id when it has one; `before`: ids below its checkpoint_id; `filter`: metadata fields deep-equal to
   * these; `limit`: at most this many.
   */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { filter } = options;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const keys = this.rows.keys({
      threadId: threadIdOf(config),
      ns: config.configurable?.['checkpoint_ns'] === undefined ? undefined : namespaceOf(config),
      only: getCheckpointId(config) || undefined,
      before: (options.before && getCheckpointId(options.before)) || undefined,
      // With a filter, rows the filter drops must not count against the limit.
      limit: filter === undefined ? options.limit : undefined,
    });
    for (const key of keys) {
      const tuple = await this.load(key, filter);
      if (tuple === undefined) continue;
      yield tuple;
      remaining -= 1;
      if (remaining <= 0) return;
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
    const parentId = getCheckpointId(config) || undefined;
    const dumped = await dumpPut(this.serde, checkpoint, metadata, parentId, newVersions);
    const blobs = dumped.blobs.map(({ channel, version, blob }): [string, string, Buffer] => [channel, version, blob]);
    this.rows.put(threadId, ns, checkpoint.id, dumped.record, blobs, this.now());
    this.sweep();
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
    const dumped = await dumpWrites(this.serde, writes, taskId, taskPath);
    const rows = dumped.map(({ idx, record }) => ({ taskId, idx, record }));
    this.rows.putWrites(threadId, ns, checkpointId, rows, this.now());
  }

  /** Removes every checkpoint, channel value and write of the thread, in every namespace. */
  async deleteThread(threadId: string): Promise<void> {
    this.rows.deleteThreads([String(threadId)]);
  }

  /** Deletes the threads idle past the TTL, at most once per SWEEP_EVERY_MS. */
  private sweep(): void {
    if (this.ttlMs === undefined) return;
    const at = this.now();
    if (at - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = at;
    const expired = this.rows.expired(at - this.ttlMs);
    if (expired.length > 0) this.rows.deleteThreads(expired);
  }

  private async load(key: CheckpointKey, filter?: Record<string, unknown>): Promise<CheckpointTuple | undefined> {
    const { thread_id: threadId, ns } = key;
    const stored = this.rows.fetch(threadId, ns, key.id);
    if (stored === undefined) return undefined;
    const source: TupleSource = {
      serde: this.serde,
      blobs: async (channels) =>
        channels.map(([channel, version]) => this.rows.blob(threadId, ns, channel, String(version))),
      writesOf: async (checkpointId) => this.rows.writesOf(threadId, ns, checkpointId),
      firstVersion: () => this.getNextVersion(undefined),
    };
    return buildTuple(source, threadId, ns, stored, filter);
  }
}
