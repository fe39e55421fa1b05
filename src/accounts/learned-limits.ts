// Limits learned from what providers say (rate-limit headers, a 429's words, Gemini's QuotaFailure): per key, kept in
// the shared store so that every instance, and the next start, calls with the key's real limits, not the catalog's.
// A learned limit rises again when the provider later states a higher one, and lapses after `ttlMs` without a 429.
import type { Logger } from 'pino';
import type { Limits } from '../config/schema.js';
import type { ProviderQuota } from '../providers/errors.js';
import type { QuotaSignal } from '../providers/rate-limits.js';
import type { KvStore } from '../storage/types.js';

/** The limits a key can learn: requests and tokens per minute and per day. */
export type LearnableLimit = 'rpm' | 'rpd' | 'tpm' | 'tpd';

/**
 * One learned limit: its value, what said it (a header's name, a QuotaFailure's quota id, a 429 body) and when it was
 * learned or last confirmed (the same figure stated again, or a 429 of its key).
 */
export interface LearnedLimit {
  value: number;
  source: string;
  at: number;
}

export type LearnedLimitSet = Partial<Record<LearnableLimit, LearnedLimit>>;

/**
 * Learned limits by key id (the provider id for a keyless provider). Reads are synchronous from memory (the request
 * path); each change is written through to the KvStore (durable with SQLite, shared with Redis), and `refresh`
 * re-reads keys in the background at most once per refreshMs, as key health does.
 */
export interface LearnedLimits {
  get(id: string): LearnedLimitSet | undefined;
  /**
   * Learns what the windows of a signal say their limit is: where it is lower than `published`'s, or different from
   * what was learned before (a provider that raised a limit again).
   */
  noteSignal(id: string, signal: QuotaSignal, published: Limits, now: number): void;
  /** Learns the limit a rate-limit failure named, as noteSignal does; the failure confirms the key's learned limits. */
  noteQuota(id: string, quota: ProviderQuota, published: Limits, now: number): void;
  /** The key was refused with a 429: its learned limits still hold (they do not lapse for another `ttlMs`). */
  noteRateLimited(id: string, now: number): void;
  /** Re-reads keys from the store (at most once per refreshMs each) and lets limits not confirmed within ttlMs lapse. */
  refresh(ids: readonly string[], now: number): void;
  /** Resolves when the writes and refreshes started so far are done (tests, shutdown). */
  settled(): Promise<void>;
}

/** `published` with each learned limit that is lower put in its place. */
export function effectiveLimits(published: Limits, learned: LearnedLimitSet | undefined): Limits {
  if (learned === undefined) return published;
  const out: Limits = { ...published };
  for (const [name, limit] of Object.entries(learned) as Array<[LearnableLimit, LearnedLimit]>) {
    if (out[name] === undefined || limit.value < out[name]) out[name] = limit.value;
  }
  return out;
}

const kvKey = (id: string) => `learnedlimits:${id}`;

/**
 * Both sets merged, the newer of each limit kept: a read of the store that started before this instance learned
 * something must not undo it, and what another instance learned (or raised) later joins what this one did.
 */
function newest(mine: LearnedLimitSet | undefined, theirs: LearnedLimitSet): LearnedLimitSet {
  const out: LearnedLimitSet = { ...theirs };
  for (const [name, limit] of Object.entries(mine ?? {}) as Array<[LearnableLimit, LearnedLimit]>) {
    const other = out[name];
    if (other === undefined || limit.at >= other.at) out[name] = limit;
  }
  return out;
}

/** `set` without the limits learned or confirmed more than `ttlMs` before `now`; undefined when none is left. */
function unexpired(set: LearnedLimitSet, ttlMs: number, now: number): LearnedLimitSet | undefined {
  const kept = Object.entries(set).filter(([, limit]) => now - limit.at <= ttlMs);
  return kept.length === 0 ? undefined : (Object.fromEntries(kept) as LearnedLimitSet);
}

/** Options of the learned limits; each has a default. */
export interface LearnedLimitsOptions {
  /** Least time between two reads of one key from the store. Default 5 s. */
  refreshMs?: number;
  /** How long a learned limit holds without being confirmed (`discovery.learnedLimitTtlHours`). Default 7 days. */
  ttlMs?: number;
}

const WEEK_MS = 7 * 24 * 3_600_000;

export function createLearnedLimits(kv: KvStore, logger: Logger, options: LearnedLimitsOptions = {}): LearnedLimits {
  const { refreshMs = 5_000, ttlMs = WEEK_MS } = options;
  const learned = new Map<string, LearnedLimitSet>();
  const lastRefresh = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const done = work
      .catch((err: unknown) => logger.warn({ err }, 'learned limits store failed'))
      .finally(() => pending.delete(done));
    pending.add(done);
  };
  const save = (id: string, set: LearnedLimitSet | undefined) => {
    if (set === undefined) learned.delete(id);
    else learned.set(id, set);
    track(set === undefined ? kv.delete(kvKey(id)) : kv.set(kvKey(id), JSON.stringify(set)));
  };
  /** Drops what lapsed: limits neither learned nor confirmed within ttlMs (the provider may have raised them). */
  const lapse = (id: string, now: number) => {
    const set = learned.get(id);
    if (set === undefined) return;
    const kept = unexpired(set, ttlMs, now);
    if (Object.keys(kept ?? {}).length === Object.keys(set).length) return;
    logger.info(
      { keyId: id, lapsed: Object.keys(set).filter((name) => kept?.[name as LearnableLimit] === undefined) },
      'learned limits lapsed: not confirmed by a 429 within the learned-limit TTL',
    );
    save(id, kept);
  };
  const learn = (id: string, name: LearnableLimit, value: number, source: string, published: Limits, now: number) => {
    if (!Number.isInteger(value) || value <= 0) return;
    const before = learned.get(id)?.[name];
    if (before !== undefined) {
      if (value === before.value) {
        // The same figure again confirms it; written at most every quarter TTL, not on every answer's headers.
        if (now - before.at > ttlMs / 4) save(id, { ...learned.get(id), [name]: { ...before, at: now } });
        return;
      }
      // A provider that raised the limit again (or lowered it further): the newer figure holds. Above the published
      // one it changes nothing in effect (the lower of the two applies) but is kept, so that it is not learned anew.
      save(id, { ...learned.get(id), [name]: { value, source, at: now } });
      const rose = value > before.value;
      logger[rose ? 'info' : 'warn'](
        { keyId: id, limit: name, value, was: before.value, source },
        rose ? 'the provider states a higher limit again' : 'learned a lower limit from the provider',
      );
      return;
    }
    const current = published[name];
    // Nothing learned yet: only a lower limit is news; a higher figure for a window the catalog caps changes nothing.
    if (current !== undefined && value >= current) return;
    save(id, { ...learned.get(id), [name]: { value, source, at: now } });
    logger.warn({ keyId: id, limit: name, value, was: current, source }, 'learned a lower limit from the provider');
  };
  const confirm = (id: string, now: number) => {
    const set = learned.get(id);
    if (set === undefined || Object.values(set).every((limit) => now - limit.at <= ttlMs / 4)) return;
    save(id, Object.fromEntries(Object.entries(set).map(([name, limit]) => [name, { ...limit, at: now }])));
  };
  return {
    get: (id) => learned.get(id),
    noteSignal(id, signal, published, now) {
      for (const w of signal.windows) {
        if (w.limit === undefined || w.scope === 'unknown') continue;
        if (w.dimension !== 'requests' && w.dimension !== 'tokens') continue;
        const name = `${w.dimension === 'requests' ? 'r' : 't'}p${w.scope === 'minute' ? 'm' : 'd'}` as LearnableLimit;
        learn(id, name, w.limit, `${w.dimension} per ${w.scope} in the rate-limit headers`, published, now);
      }
    },
    noteQuota(id, quota, published, now) {
      confirm(id, now);
      if (quota.limit === undefined || quota.scope === 'unknown') return;
      const { value, dimension, source } = quota.limit;
      const name = `${dimension === 'requests' ? 'r' : 't'}p${quota.scope === 'minute' ? 'm' : 'd'}` as LearnableLimit;
      learn(id, name, value, source, published, now);
    },
    noteRateLimited: confirm,
    refresh(ids, now) {
      for (const id of ids) {
        if (now - (lastRefresh.get(id) ?? -Infinity) < refreshMs) continue;
        lastRefresh.set(id, now);
        lapse(id, now);
        track(
          kv.get(kvKey(id)).then((stored) => {
            if (stored === undefined) return;
            const merged = unexpired(newest(learned.get(id), JSON.parse(stored) as LearnedLimitSet), ttlMs, now);
            if (merged === undefined) learned.delete(id);
            else learned.set(id, merged);
          }),
        );
      }
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
