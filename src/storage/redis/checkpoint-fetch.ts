// Reading one checkpoint and its pending writes from Redis in one round trip: a Lua script, run by its SHA1.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ThreadKeys } from './checkpoint-layout.js';

/** What the fetch script returns for one checkpoint. */
export interface FetchedCheckpoint {
  id: string;
  record: Buffer;
  /** Its pending writes, in no particular order. */
  writes: Buffer[];
}

/**
 * Reads one checkpoint's record and pending writes in one step. KEYS: index, checkpoints, write-index, writes.
 * ARGV: namespace, checkpoint id ('' for the namespace's latest). Returns nil, or {id, record, write records...}.
 */
const FETCH_SCRIPT = String.raw`
local ns, id = ARGV[1], ARGV[2]
if id == '' then
  local latest = redis.call('ZREVRANGEBYLEX', KEYS[1], '(' .. ns .. '\1', '[' .. ns .. '\0', 'LIMIT', 0, 1)
  if #latest == 0 then return false end
  id = string.sub(latest[1], #ns + 2)
end
local member = ns .. '\0' .. id
local record = redis.call('HGET', KEYS[2], member)
if not record then return false end
local result = { id, record }
local fields = redis.call('ZRANGEBYLEX', KEYS[3], '[' .. member .. '\0', '(' .. member .. '\1')
for i = 1, #fields, 1000 do
  local values = redis.call('HMGET', KEYS[4], unpack(fields, i, math.min(i + 999, #fields)))
  for j = 1, #values do if values[j] then result[#result + 1] = values[j] end end
end
return result
`;

const FETCH_SHA = createHash('sha1').update(FETCH_SCRIPT).digest('hex');

/**
 * One checkpoint of a thread's namespace ('' for its latest) with its writes, or undefined when there is none.
 * Runs the script with EVALSHA, sending it whole only when Redis does not have it (NOSCRIPT: a restart, SCRIPT FLUSH).
 */
export async function fetchCheckpoint(
  redis: Redis,
  keys: ThreadKeys,
  ns: string,
  checkpointId: string,
): Promise<FetchedCheckpoint | undefined> {
  const args = [4, keys.index, keys.checkpoints, keys.writeIndex, keys.writes, ns, checkpointId];
  let reply: unknown;
  try {
    reply = await redis.callBuffer('EVALSHA', FETCH_SHA, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    reply = await redis.callBuffer('EVAL', FETCH_SCRIPT, ...args);
  }
  if (!Array.isArray(reply) || reply.length < 2) return undefined;
  const [id, record, ...writes] = reply as Buffer[];
  return { id: id!.toString('utf8'), record: record!, writes };
}
