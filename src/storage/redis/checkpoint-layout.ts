// How checkpoints are laid out in Redis: a fixed handful of keys per thread (one hash tag), NUL-joined hash fields.
//
// Under `<prefix>cp:{<threadId>}:` (the braces are a hash tag, so a thread's keys share one Redis Cluster slot and a
// MULTI or script may touch them all):
//   index        sorted set, every member scored 0 so it sorts by bytes: `<ns>\0<checkpointId>`. Checkpoint ids are
//                uuid6 (time-ordered hex), so one namespace's checkpoints are a lex range, newest last: the latest
//                is ZREVRANGEBYLEX ... LIMIT 0 1, `before` is an exclusive bound, `limit` is LIMIT.
//   checkpoints  hash `<ns>\0<checkpointId>` -> record: the checkpoint without its channel values, its metadata, and
//                its parent's id (../checkpoint-records.ts).
//   blobs        hash `<ns>\0<channel>\0<version>` -> one channel value, stored once per version by the put that
//                made that version (newVersions); a checkpoint's values are the blobs of its channel_versions.
//   writes       hash `<ns>\0<checkpointId>\0<taskId>\0<idx>` -> one pending write (task path, channel, value).
//   write-index  sorted set of the writes' field names (score 0), so a checkpoint's writes are one lex range.
// And `<prefix>cp:threads`: sorted set of thread ids scored by their last write (ms), for list() without a thread.

/** Joins the parts of members and fields; refused inside namespaces, ids, task ids and channel names. */
const SEP = '\0';
/** The byte after SEP: `(<prefix>\x01` ends the lex range of every member starting with `<prefix>\0`. */
const AFTER_SEP = '\x01';

/** The keys of one thread. */
export interface ThreadKeys {
  index: string;
  checkpoints: string;
  blobs: string;
  writes: string;
  writeIndex: string;
  /** Every key above: what a write refreshes the TTL of, and what deleteThread removes. */
  all: string[];
}

/** Key names under one prefix. */
export interface CheckpointKeys {
  /** Sorted set of thread ids scored by the time (ms) of their last write. */
  registry: string;
  thread(threadId: string): ThreadKeys;
}

/** The key names under `prefix` (e.g. `switchboard:`). */
export function checkpointKeys(prefix: string): CheckpointKeys {
  return {
    registry: `${prefix}cp:threads`,
    thread(threadId) {
      const base = `${prefix}cp:{${threadId}}:`;
      const [index, checkpoints, blobs, writes, writeIndex] = [
        'index',
        'checkpoints',
        'blobs',
        'writes',
        'write-index',
      ].map((name) => `${base}${name}`);
      const keys = {
        index: index!,
        checkpoints: checkpoints!,
        blobs: blobs!,
        writes: writes!,
        writeIndex: writeIndex!,
      };
      return { ...keys, all: Object.values(keys) };
    },
  };
}

/** Throws when `value` contains the separator (it would make fields ambiguous). */
export function assertNoSeparator(what: string, value: string): void {
  if (value.includes(SEP))
    throw new Error(`Invalid ${what}: it contains a NUL character, which the Redis checkpointer cannot store`);
}

/** The index member and checkpoints field of one checkpoint. */
export function checkpointMember(ns: string, checkpointId: string): string {
  return `${ns}${SEP}${checkpointId}`;
}

/** Splits an index member back into namespace and checkpoint id. */
export function parseMember(member: string): { ns: string; id: string } {
  const at = member.indexOf(SEP);
  return { ns: member.slice(0, at), id: member.slice(at + 1) };
}

/** The blobs field of one channel value. */
export function blobField(ns: string, channel: string, version: number | string): string {
  return `${ns}${SEP}${channel}${SEP}${String(version)}`;
}

/** The writes field (and write-index member) of one pending write. */
export function writeField(ns: string, checkpointId: string, taskId: string, idx: number): string {
  return `${checkpointMember(ns, checkpointId)}${SEP}${taskId}${SEP}${idx}`;
}

/** ZREVRANGEBYLEX bounds of one namespace's checkpoints, newest first, those before `beforeId` only when given. */
export function namespaceRange(ns: string, beforeId?: string): { max: string; min: string } {
  return {
    max: beforeId === undefined ? `(${ns}${AFTER_SEP}` : `(${checkpointMember(ns, beforeId)}`,
    min: `[${ns}${SEP}`,
  };
}
