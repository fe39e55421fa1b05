// The byte format of stored checkpoints, pending writes and channel values (Redis and SQLite savers): a one-line JSON
// header, then raw serde bytes.
//
// serde.dumpsTyped gives a type tag and bytes (JSON for the default JsonPlusSerializer, anything for a custom one), so
// a record keeps the bytes as they are, without base64, after a header that holds the tags and each part's length.
import {
  WRITES_IDX_MAP,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';

type Header = Record<string, unknown>;

/** A stored checkpoint: serde type tags and bytes of the checkpoint (without channel values) and its metadata. */
export interface CheckpointRecord {
  checkpointType: string;
  checkpoint: Buffer;
  metadataType: string;
  metadata: Buffer;
  /** The id of the checkpoint it was put after (the config's checkpoint_id at put time). */
  parentId: string | undefined;
}

/** A stored pending write. */
export interface WriteRecord {
  taskId: string;
  channel: string;
  idx: number;
  /** The path of the task that wrote it ('' when put without one). */
  taskPath: string;
  type: string;
  value: Buffer;
}

/** A stored channel value. */
export interface BlobRecord {
  type: string;
  value: Buffer;
}

/** Serializes a checkpoint (channel values left out: they go to blobs) with its metadata and parent id. */
async function dumpCheckpoint(
  serde: SerializerProtocol,
  checkpoint: object,
  metadata: object,
  parentId: string | undefined,
): Promise<Buffer> {
  const [[checkpointType, checkpointBytes], [metadataType, metadataBytes]] = await Promise.all([
    serde.dumpsTyped(checkpoint),
    serde.dumpsTyped(metadata),
  ]);
  return encode({ ct: checkpointType, mt: metadataType, p: parentId }, [checkpointBytes, metadataBytes]);
}

/** Serializes one pending write. */
async function dumpWrite(
  serde: SerializerProtocol,
  write: Omit<WriteRecord, 'type' | 'value'>,
  value: unknown,
): Promise<Buffer> {
  const [type, bytes] = await serde.dumpsTyped(value);
  return encode({ task: write.taskId, ch: write.channel, idx: write.idx, path: write.taskPath, t: type }, [bytes]);
}

/** A serialized channel value of a checkpoint, under the version `newVersions` gave its channel. */
export interface DumpedBlob {
  channel: string;
  version: string;
  blob: Buffer;
}

/**
 * Serializes what a saver's `put` stores: the checkpoint without its channel values, with its metadata and parent id,
 * and the value of each channel `newVersions` names (a channel with no value has nothing to store).
 */
export async function dumpPut(
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  metadata: CheckpointMetadata,
  parentId: string | undefined,
  newVersions: ChannelVersions,
): Promise<{ record: Buffer; blobs: DumpedBlob[] }> {
  const { channel_values: values, ...withoutValues } = checkpoint;
  const record = await dumpCheckpoint(serde, withoutValues, metadata, parentId);
  const blobs: DumpedBlob[] = [];
  for (const [channel, version] of Object.entries(newVersions)) {
    const value = (values as Record<string, unknown>)[channel];
    if (value !== undefined) blobs.push({ channel, version: String(version), blob: await dumpBlob(serde, value) });
  }
  return { record, blobs };
}

/**
 * Serializes what a saver's `putWrites` stores: each write with its idx, its position in `writes` or, on the special
 * channels (error, interrupt...), their negative index, where the last write wins instead of the first.
 */
export function dumpWrites(
  serde: SerializerProtocol,
  writes: PendingWrite[],
  taskId: string,
  taskPath: string,
): Promise<Array<{ idx: number; record: Buffer }>> {
  return Promise.all(
    writes.map(async ([channel, value], position) => {
      const idx = WRITES_IDX_MAP[channel] ?? position;
      return { idx, record: await dumpWrite(serde, { taskId, channel, idx, taskPath }, value) };
    }),
  );
}

/** Serializes one channel value. */
async function dumpBlob(serde: SerializerProtocol, value: unknown): Promise<Buffer> {
  const [type, bytes] = await serde.dumpsTyped(value);
  return encode({ t: type }, [bytes]);
}

/** Parses a stored checkpoint; throws on a record this module did not write. */
export function readCheckpoint(raw: Buffer): CheckpointRecord {
  const { header, parts } = decode(raw, 2, 'checkpoint');
  const parentId = header['p'];
  return {
    checkpointType: text(header, 'ct', 'checkpoint'),
    checkpoint: parts[0]!,
    metadataType: text(header, 'mt', 'checkpoint'),
    metadata: parts[1]!,
    parentId: typeof parentId === 'string' ? parentId : undefined,
  };
}

/** Parses a stored pending write; throws on a record this module did not write. */
export function readWrite(raw: Buffer): WriteRecord {
  const { header, parts } = decode(raw, 1, 'write');
  const idx = header['idx'];
  if (typeof idx !== 'number') throw corrupt('write');
  const field = (name: string) => text(header, name, 'write');
  return {
    taskId: field('task'),
    channel: field('ch'),
    idx,
    taskPath: field('path'),
    type: field('t'),
    value: parts[0]!,
  };
}

/** Parses a stored channel value; throws on a record this module did not write. */
export function readBlob(raw: Buffer): BlobRecord {
  const { header, parts } = decode(raw, 1, 'channel value');
  return { type: text(header, 't', 'channel value'), value: parts[0]! };
}

const NEWLINE = 0x0a;

/** `<header JSON with l: part lengths>\n<part bytes...>`; JSON.stringify never writes a raw newline. */
function encode(header: Header, parts: Uint8Array[]): Buffer {
  const head = Buffer.from(`${JSON.stringify({ ...header, l: parts.map((part) => part.byteLength) })}\n`);
  return Buffer.concat([head, ...parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength))]);
}

function decode(raw: Buffer, count: number, what: string): { header: Header; parts: Buffer[] } {
  const end = raw.indexOf(NEWLINE);
  if (end < 0) throw corrupt(what);
  let header: unknown;
  try {
    header = JSON.parse(raw.subarray(0, end).toString('utf8'));
  } catch {
    throw corrupt(what);
  }
  if (typeof header !== 'object' || header === null) throw corrupt(what);
  const lengths: unknown = (header as Header)['l'];
  if (!Array.isArray(lengths) || lengths.length !== count || !lengths.every((n) => Number.isInteger(n) && n >= 0))
    throw corrupt(what);
  const parts: Buffer[] = [];
  let at = end + 1;
  for (const length of lengths as number[]) {
    parts.push(raw.subarray(at, at + length));
    at += length;
  }
  if (at !== raw.length) throw corrupt(what);
  return { header: header as Header, parts };
}

function text(header: Header, name: string, what: string): string {
  const value = header[name];
  if (typeof value !== 'string') throw corrupt(what);
  return value;
}

function corrupt(what: string): Error {
  return new Error(`checkpointer: a stored ${what} record is corrupt or was not written by this checkpointer`);
}
