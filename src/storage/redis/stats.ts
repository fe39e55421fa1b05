// Redis live stats: a hash per model (`<prefix>stats:model:<ref>`) updated by one Lua script mirroring ewma.ts, and
// a set of the refs measured (`<prefix>stats:models`) that snapshot reads the hashes from, in one pipeline.
//
// The hash fields are the ModelStatsRecord's own names (probation: '1' or absent). Numbers are written with %.17g,
// which round-trips a double exactly, so that the script and the memory backend compute bit-identical averages.
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { type QueuedScript, queueScript, sendQueued } from './script-batch.js';
import { DEFAULT_STATS_TTL_MS, STATS_METRICS, checkAlpha, cleanStatsUpdate } from '../ewma.js';
import type {
  ArmCounts,
  ModelStatsRecord,
  PruneReason,
  PruneRules,
  StatsStore,
  StatsStoreOptions,
  StatsUpdate,
} from '../types.js';

/** ARGV before the updates: ref, alpha, the four rules, the TTL. */
const HEAD_ARGS = 7;

/**
 * KEYS: the model's hash, the set of refs. ARGV: ref, alpha, then minSuccessRate, minQuality, minSamples, coolDownMs
 * ('' each without rules), then the TTL (ms); then one or more updates, each as at, ok ('1', '0' or ''), one value per
 * metric of STATS_METRICS ('' when absent), and the arm's task, good and window ('' each without an arm). Applies the
 * updates in order, each as applyStatsUpdate does: settle an expired prune (keeping the arms' `arm:<task>:good|bad`
 * fields), fold in the values and the arm (arm-counts.ts), apply the rules. Returns the hash as it then stands, flat.
 */
const RECORD_SCRIPT = new LuaScript(
  'stats-record',
  `
local alpha = tonumber(ARGV[2])
local s = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do s[flat[i]] = flat[i + 1] end
local function num(field) return tonumber(s[field]) end
local function step(average, count, value)
  local c = (num(count) or 0) + 1
  local avg = num(average)
  if avg == nil then avg = value else avg = avg + math.max(alpha, 1 / c) * (value - avg) end
  s[average] = string.format('%.17g', avg)
  s[count] = string.format('%d', c)
end
local metrics = { ${STATS_METRICS.map(({ average, count }) => `{ '${average}', '${count}' }`).join(', ')} }
-- Each update: at, ok, the metrics, then the arm's task, good and window.
for o = ${HEAD_ARGS + 1}, #ARGV, 5 + #metrics do
  local at = tonumber(ARGV[o])
  local ok = ARGV[o + 1]
  local untilAt = num('prunedUntil')
  if untilAt ~= nil and at >= untilAt then
    local kept = { probation = '1' }
    for field, value in pairs(s) do
      if string.sub(field, 1, 4) == 'arm:' then kept[field] = value end
    end
    s = kept
    untilAt = nil
  end
  if ok ~= '' then step('successRate', 'samples', tonumber(ok)) end
  for i, metric in ipairs(metrics) do
    if ARGV[o + 1 + i] ~= '' then step(metric[1], metric[2], tonumber(ARGV[o + 1 + i])) end
  end
  local a = o + 2 + #metrics
  if ARGV[a] ~= '' then
    local goodField = 'arm:' .. ARGV[a] .. ':good'
    local badField = 'arm:' .. ARGV[a] .. ':bad'
    local credit = tonumber(ARGV[a + 1])
    local good = (num(goodField) or 0) + credit
    local bad = (num(badField) or 0) + (1 - credit)
    local total = good + bad
    if ARGV[a + 2] ~= '' and total > tonumber(ARGV[a + 2]) then
      local factor = tonumber(ARGV[a + 2]) / total
      good = good * factor
      bad = bad * factor
    end
    s[goodField] = string.format('%.17g', good)
    s[badField] = string.format('%.17g', bad)
  end
  if ARGV[6] ~= '' and (untilAt == nil or at >= untilAt) then
    local minSamples = tonumber(ARGV[5])
    local samples = num('samples') or 0
    local reason = nil
    if s.probation == '1' and ok == '0' then reason = 'probation'
    elseif samples >= minSamples and num('successRate') < tonumber(ARGV[3]) then reason = 'success_rate'
    elseif (num('qualitySamples') or 0) >= minSamples and num('quality') < tonumber(ARGV[4]) then reason = 'quality'
    end
    if reason ~= nil then
      s.prunedUntil = string.format('%.17g', at + tonumber(ARGV[6]))
      s.pruneReason = reason
      s.probation = nil
    elseif s.probation == '1' and samples >= minSamples then
      s.probation = nil
    end
  end
end
local out = {}
for field, value in pairs(s) do
  out[#out + 1] = field
  out[#out + 1] = value
end
redis.call('DEL', KEYS[1])
if #out > 0 then
  redis.call('HSET', KEYS[1], unpack(out))
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  redis.call('SADD', KEYS[2], ARGV[1])
end
return out
`,
);

/** KEYS: a model's hash, the set of refs. ARGV: the ref. Forgets the ref unless its hash came back meanwhile. */
const FORGET_SCRIPT = new LuaScript(
  'stats-forget',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return 0
`,
);

/** A run of the record script queued for the end of the turn, with the updates to one model so far. */
interface TurnRun {
  rules: PruneRules | undefined;
  queued: QueuedScript;
  /** The record the run answers. */
  record: Promise<ModelStatsRecord>;
}

export interface RedisStatsStoreOptions extends StatsStoreOptions {
  /** Prefix of the keys (default `switchboard:`): stores with one prefix on one Redis share their measurements. */
  keyPrefix?: string;
}

/**
 * A StatsStore on `redis` (the caller's connection: it is used, never closed), shared by every instance on that Redis
 * and prefix. An update touches the model's hash and the set of refs in one script, so it needs a single Redis (or a
 * Cluster where they share a slot); Cluster is not supported.
 */
export function createRedisStatsStore(redis: Redis, options: RedisStatsStoreOptions = {}): StatsStore {
  const alpha = checkAlpha(options.alpha);
  const ttlMs = String(Math.max(1, Math.ceil(options.ttlMs ?? DEFAULT_STATS_TTL_MS)));
  const prefix = `${options.keyPrefix ?? 'switchboard:'}stats:`;
  const setKey = `${prefix}models`;
  // 'model:' keeps every hash apart from the set, whatever the ref.
  const hashOf = (ref: string) => `${prefix}model:${ref}`;
  /** Each model's run of the script still taking updates. */
  const turn = new Map<string, TurnRun>();
  return {
    alpha,
    async record(ref: string, update: StatsUpdate, rules?: PruneRules) {
      // Cleaned as the memory backend cleans it, so the script gets only measurements.
      const clean = cleanStatsUpdate(update);
      // The updates of this turn to one model (with the same rules) go in one run of the script, applied in order:
      // under load one run per model and turn instead of a few per request (docs/BENCHMARKS.md, "Redis writes per
      // turn"). Each caller is answered with the record as it stands after the run: its own update, and those after.
      let run = turn.get(ref);
      if (run === undefined || run.queued.sent || run.rules !== rules) {
        const args = [hashOf(ref), setKey, ref, String(alpha), ...rulesArgs(rules), ttlMs];
        const queued = queueScript(redis, RECORD_SCRIPT, 2, args);
        const record = queued.reply.then((flat) => decodeStats(Object.fromEntries(pairs(flat as string[]))));
        turn.set(ref, (run = { rules, queued, record }));
      }
      run.queued.keysAndArgs.push(...updateArgs(clean));
      return run.record;
    },
    async snapshot() {
      sendQueued(redis);
      const refs = await redis.smembers(setKey);
      const found = new Map<string, ModelStatsRecord>();
      if (refs.length === 0) return found;
      const pipeline = redis.pipeline();
      for (const ref of refs) pipeline.hgetall(hashOf(ref));
      const replies = (await pipeline.exec()) ?? [];
      const gone: string[] = [];
      refs.forEach((ref, i) => {
        const [err, hash] = replies[i] ?? [new Error('no reply')];
        if (err) throw err;
        const fields = hash as Record<string, string>;
        if (Object.keys(fields).length === 0) gone.push(ref);
        else found.set(ref, decodeStats(fields));
      });
      // Hashes that expired leave their ref in the set: drop it, unless an update brought the hash back meanwhile.
      await Promise.all(gone.map((ref) => FORGET_SCRIPT.run(redis, 2, hashOf(ref), setKey, ref)));
      return found;
    },
  };
}

/** A cleaned update as script arguments: at, ok, the metrics, then the arm ('' each when absent). */
function updateArgs(clean: StatsUpdate): string[] {
  const ok = clean.ok === undefined ? '' : clean.ok ? '1' : '0';
  const values = STATS_METRICS.map(({ average }) => (clean[average] === undefined ? '' : String(clean[average])));
  return [String(clean.at), ok, ...values, ...armArgs(clean)];
}

/** The arm of a cleaned update as script arguments: task, good, window ('' when absent). */
function armArgs(clean: StatsUpdate): string[] {
  const { arm } = clean;
  if (arm === undefined) return ['', '', ''];
  return [arm.task, String(arm.good), arm.window === undefined ? '' : String(arm.window)];
}

function rulesArgs(rules: PruneRules | undefined): string[] {
  if (rules === undefined) return ['', '', '', ''];
  return [rules.minSuccessRate, rules.minQuality, rules.minSamples, rules.coolDownMs].map(String);
}

/** [field, value, field, value...] as pairs. */
function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const REASONS: readonly PruneReason[] = ['success_rate', 'quality', 'probation'];

/** A model's hash as a record (fields that are missing or unreadable are left out). */
function decodeStats(hash: Record<string, string>): ModelStatsRecord {
  const numberOf = (field: string) => {
    const value = hash[field] === undefined ? NaN : Number(hash[field]);
    return Number.isFinite(value) ? value : undefined;
  };
  const record: ModelStatsRecord = {
    samples: numberOf('samples') ?? 0,
    latencySamples: 0,
    ttftSamples: 0,
    tokensPerSecSamples: 0,
    qualitySamples: 0,
    probation: hash.probation === '1',
  };
  const successRate = numberOf('successRate');
  if (successRate !== undefined) record.successRate = successRate;
  for (const { average, count } of STATS_METRICS) {
    record[count] = numberOf(count) ?? 0;
    const value = numberOf(average);
    if (value !== undefined) record[average] = value;
  }
  const prunedUntil = numberOf('prunedUntil');
  if (prunedUntil !== undefined) record.prunedUntil = prunedUntil;
  const reason = REASONS.find((known) => known === hash.pruneReason);
  if (reason !== undefined) record.pruneReason = reason;
  const arms = decodeArms(hash, numberOf);
  if (arms !== undefined) record.arms = arms;
  return record;
}

/** The `arm:<task>:good|bad` fields as arms, or undefined when there are none. */
function decodeArms(
  hash: Record<string, string>,
  numberOf: (field: string) => number | undefined,
): Record<string, ArmCounts> | undefined {
  let arms: Record<string, ArmCounts> | undefined;
  for (const field of Object.keys(hash)) {
    const task = /^arm:([a-z_]+):good$/.exec(field)?.[1];
    if (task === undefined) continue;
    arms ??= {};
    arms[task] = { good: numberOf(field) ?? 0, bad: numberOf(`arm:${task}:bad`) ?? 0 };
  }
  return arms;
}
