// Which checkpoints of a thread list() visits, newest first, in pages read from the thread's index.
import type { Redis } from 'ioredis';
import { checkpointMember, namespaceRange, parseMember, type ThreadKeys } from './checkpoint-layout.js';

/** One checkpoint to load. */
export interface Candidate {
  ns: string;
  id: string;
}

/** What list() asks for within one thread. */
export interface ListQuery {
  /** One namespace, or every namespace of the thread when undefined. */
  ns: string | undefined;
  /** Only this checkpoint id (the config's checkpoint_id). */
  only: string | undefined;
  /** Only ids below this one. */
  before: string | undefined;
}

/** Index entries read per round trip when the caller may need many. */
const PAGE_SIZE = 100;

/**
 * The thread's checkpoints matching `query`, newest (highest id) first, in pages of at most `wanted` (when fewer
 * than a page are wanted, e.g. a list with limit 1 reads one entry). Within one namespace each page is one
 * ZREVRANGEBYLEX that resumes below the previous page, so entries added meanwhile do not shift it; across namespaces
 * the whole index is read once (its members only) and sorted by id.
 */
export async function* candidatePages(
  redis: Redis,
  keys: ThreadKeys,
  query: ListQuery,
  wanted: number,
): AsyncGenerator<Candidate[]> {
  const size = Math.max(1, Math.min(PAGE_SIZE, wanted));
  const { ns, only, before } = query;
  if (only !== undefined) {
    if (before !== undefined && !(only < before)) return;
    const members = ns === undefined ? await redis.zrangebylex(keys.index, '-', '+') : [checkpointMember(ns, only)];
    const candidates = members.map(parseMember).filter((candidate) => candidate.id === only);
    if (candidates.length > 0) yield candidates;
    return;
  }
  if (ns === undefined) {
    const all = (await redis.zrangebylex(keys.index, '-', '+'))
      .map(parseMember)
      .filter((c) => before === undefined || c.id < before);
    all.sort((a, b) => (a.id === b.id ? compare(a.ns, b.ns) : compare(b.id, a.id)));
    for (let at = 0; at < all.length; at += size) yield all.slice(at, at + size);
    return;
  }
  let { max } = namespaceRange(ns, before);
  const { min } = namespaceRange(ns);
  for (;;) {
    const members = await redis.zrevrangebylex(keys.index, max, min, 'LIMIT', 0, size);
    if (members.length > 0) yield members.map(parseMember);
    if (members.length < size) return;
    max = `(${members[members.length - 1]!}`;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
