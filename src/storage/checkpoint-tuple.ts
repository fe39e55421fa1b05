// Configs in and tuples out (Redis and SQLite savers): what a config names, and a CheckpointTuple built from stored
// records (values from blobs, writes sorted).
import { isDeepStrictEqual } from 'node:util';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  compareWritesSortKeys,
  maxChannelVersion,
  TASKS,
  writesSortKey,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { readBlob, readCheckpoint, readWrite, type WriteRecord } from './checkpoint-records.js';

/** One stored checkpoint as a saver reads it: its id, its record, and its pending writes' records (any order). */
export interface StoredCheckpoint {
  id: string;
  record: Buffer;
  writes: Buffer[];
}

/** Where buildTuple reads what the fetched checkpoint refers to, in the same thread and namespace. */
export interface TupleSource {
  serde: SerializerProtocol;
  /** The stored values of these channels at these versions, in order (null where there is none). */
  blobs(channels: Array<[channel: string, version: number | string]>): Promise<(Buffer | null)[]>;
  /** The pending writes of another checkpoint (its parent, to migrate pending sends). */
  writesOf(checkpointId: string): Promise<Buffer[]>;
  /** The first channel version (getNextVersion(undefined)). */
  firstVersion(): number | string;
}

/**
 * The tuple of a fetched checkpoint, or undefined when its metadata does not match `filter` (every key of the
 * filter deep-equal to the metadata's; checked before any channel value is read).
 */
export async function buildTuple(
  source: TupleSource,
  threadId: string,
  ns: string,
  fetched: StoredCheckpoint,
  filter?: Record<string, unknown>,
): Promise<CheckpointTuple | undefined> {
  const { serde } = source;
  const record = readCheckpoint(fetched.record);
  const metadata = (await serde.loadsTyped(record.metadataType, record.metadata)) as CheckpointMetadata;
  if (filter !== undefined && !matches(metadata, filter)) return undefined;
  const checkpoint = (await serde.loadsTyped(record.checkpointType, record.checkpoint)) as Checkpoint;
  checkpoint.channel_versions ??= {};
  checkpoint.channel_values = await channelValues(source, checkpoint.channel_versions);
  const writes = sortWrites(fetched.writes.map(readWrite));
  if (checkpoint.v < 4 && record.parentId !== undefined) await migratePendingSends(source, checkpoint, record.parentId);
  const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
    writes.map(
      async (write): Promise<CheckpointPendingWrite> => [
        write.taskId,
        write.channel,
        await serde.loadsTyped(write.type, write.value),
      ],
    ),
  );
  const tuple: CheckpointTuple = { config: configOf(threadId, ns, fetched.id), checkpoint, metadata, pendingWrites };
  if (record.parentId !== undefined) tuple.parentConfig = configOf(threadId, ns, record.parentId);
  return tuple;
}

/** The config that names one checkpoint. */
export function configOf(threadId: string, ns: string, checkpointId: string): RunnableConfig {
  return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } };
}

/** The config's thread id (a string, or a number made one); undefined when it has none. */
export function threadIdOf(config: RunnableConfig): string | undefined {
  const threadId: unknown = config.configurable?.['thread_id'];
  return typeof threadId === 'string' || typeof threadId === 'number' ? String(threadId) : undefined;
}

/** The config's thread id; throws, saying what failed, when it has none. */
export function requireThreadId(config: RunnableConfig, action: string): string {
  const threadId = threadIdOf(config);
  if (threadId === undefined) {
    throw new Error(
      `Failed to ${action}: the config has no "thread_id" in its "configurable" property (e.g. { configurable: { thread_id: "my-thread" } })`,
    );
  }
  return threadId;
}

/** The config's checkpoint namespace; '' (the root graph's) when it has none. */
export function namespaceOf(config: RunnableConfig): string {
  const ns: unknown = config.configurable?.['checkpoint_ns'];
  return typeof ns === 'string' ? ns : '';
}

function matches(metadata: CheckpointMetadata, filter: Record<string, unknown>): boolean {
  const fields = metadata as Record<string, unknown>;
  return Object.entries(filter).every(([key, value]) => isDeepStrictEqual(fields[key], value));
}

/** The value of each channel at its version in this checkpoint; channels with no stored value are left out. */
async function channelValues(
  source: TupleSource,
  versions: Checkpoint['channel_versions'],
): Promise<Record<string, unknown>> {
  const channels = Object.entries(versions);
  const values: Record<string, unknown> = {};
  if (channels.length === 0) return values;
  const blobs = await source.blobs(channels);
  await Promise.all(
    channels.map(async ([channel], i) => {
      const raw = blobs[i];
      if (raw === null || raw === undefined) return;
      const blob = readBlob(raw);
      values[channel] = await source.serde.loadsTyped(blob.type, blob.value);
    }),
  );
  return values;
}

/** Writes in the order live execution applies them: (task path, task id, idx). */
function sortWrites(writes: WriteRecord[]): WriteRecord[] {
  return writes
    .map((write) => ({ write, key: writesSortKey(write.taskPath, write.taskId, write.idx) }))
    .sort((a, b) => compareWritesSortKeys(a.key, b.key))
    .map(({ write }) => write);
}

/** Checkpoints before format v4 kept sends as the parent's TASKS writes; v4 keeps them in the TASKS channel. */
async function migratePendingSends(source: TupleSource, checkpoint: Checkpoint, parentId: string): Promise<void> {
  const sends = sortWrites((await source.writesOf(parentId)).map(readWrite)).filter((write) => write.channel === TASKS);
  const versions = Object.values(checkpoint.channel_versions);
  checkpoint.channel_values[TASKS] = await Promise.all(
    sends.map((write) => source.serde.loadsTyped(write.type, write.value)),
  );
  checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : source.firstVersion();
}
