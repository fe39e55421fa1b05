// The append of one event as a single Lua script: store, set TTLs, index the thread, then publish (all or nothing).
import { endsRun, type RunEvent } from '../../events/types.js';
import { entryId, EVENT_FIELD, type EventKeys } from './event-layout.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS: the run's stream, then the thread index when the event has a thread.
 * ARGV: cap, entry id, event JSON, stream TTL (ms), '1' if run_started, run id, ts, index TTL (ms), run channel,
 * thread channel. A refused XADD (a seq not above the stored ones) returns its error and publishes nothing.
 */
export const APPEND_SCRIPT = new LuaScript(
  'event-append',
  `
if ARGV[5] == '1' then redis.call('DEL', KEYS[1]) end
local added = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[2], '${EVENT_FIELD}', ARGV[3])
if type(added) == 'table' and added.err then return added end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if KEYS[2] then
  if ARGV[5] == '1' then redis.call('ZADD', KEYS[2], ARGV[7], ARGV[6]) else redis.call('ZADD', KEYS[2], 'NX', ARGV[7], ARGV[6]) end
  redis.call('PEXPIRE', KEYS[2], ARGV[8])
  redis.call('PUBLISH', ARGV[10], ARGV[3])
end
redis.call('PUBLISH', ARGV[9], ARGV[3])
return 1
`,
);

/** TTLs and cap an append applies. */
export interface AppendLimits {
  cap: string;
  retentionMs: number;
  unfinishedMs: number;
}

/** The script's arguments after the key count: keys, then ARGV (see APPEND_SCRIPT). */
export function appendArgs(
  event: RunEvent,
  json: string,
  keys: EventKeys,
  limits: AppendLimits,
): { keyCount: number; args: (string | number)[] } {
  const ends = endsRun(event.type);
  const thread = event.thread_id;
  const keyList = thread === undefined ? [keys.run(event.run_id)] : [keys.run(event.run_id), keys.thread(thread)];
  const args = [
    ...keyList,
    limits.cap,
    entryId(event.seq),
    json,
    ends ? limits.retentionMs : limits.unfinishedMs,
    event.type === 'run_started' ? '1' : '0',
    event.run_id,
    event.ts,
    limits.unfinishedMs,
    keys.runChannel(event.run_id),
    thread === undefined ? '' : keys.threadChannel(thread),
  ];
  return { keyCount: keyList.length, args };
}
