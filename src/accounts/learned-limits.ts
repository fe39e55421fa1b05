// Limits learned from what providers say (rate-limit headers, a 429's words, Gemini's QuotaFailure): per key, kept in
// the shared store so that every instance, and the next start, calls with the key's real limits, not the catalog's.
import type { Logger } from 'pino';
import type { Limits } from '../config/schema.js';
import type { ProviderQuota } from '../providers/errors.js';
import type { QuotaSignal } from '../providers/rate-limits.js';
import type { KvStore } from '../storage/types.js';

/** The limits a key can learn: requests and tokens per minute and per day. */
export type LearnableLimit = 'rpm' | 'rpd' | 'tpm' | 'tpd';

/** One learned limit: its value, what said it (a header's name, a QuotaFailure's quota id, a 429 body) and when. */
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
  /** Learns what the windows of a signal say their limit is, where it is lower than `published`'s. */
  noteSignal(id: string, signal: QuotaSignal, published: Limits, now: number): void;
  /** Learns the limit a rate-limit failure named, where it is lower than `published`'s. */
  noteQuota(id: string, quota: ProviderQuota, published: Limits, now: number): void;
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
 * Both sets merged, the lower of each limit kept: a read of the store that started before this instance learned
 * something must not undo it, and what another instance learned joins what this one did.
 */
function lowest(mine: LearnedLimitSet | undefined, theirs: LearnedLimitSet): LearnedLimitSet {
  const out: LearnedLimitSet = { ...theirs };
  for (const [name, limit] of Object.entries(mine ?? {}) as Array<[LearnableLimit, LearnedLimit]>) {
    const other = out[name];
    if (other === undefined || limit.value < other.value) out[name] = limit;
  }
  return out;
}

export function createLearnedLimits(kv: KvStore, logger: Logger, refreshMs = 5_000): LearnedLimits {
  const learned = new Map<string, LearnedLimitSet>();
  const lastRefresh = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const done = work
      .catch((err: unknown) => logger.warn({ err }, 'learned limits store failed'))
      .finally(() => pending.delete(done));
    pending.add(done);
  };
  const learn = (id: string, name: LearnableLimit, value: number, source: string, published: Limits, now: number) => {
    const current = effectiveLimits(published, learned.get(id))[name];
    // Only a lower limit is learned: a provider's higher figure for a window the catalog caps changes nothing, and an
    // equal one is old news.
    if (!Number.isInteger(value) || value <= 0 || (current !== undefined && value >= current)) return;
    const set = { ...learned.get(id), [name]: { value, source, at: now } };
    learned.set(id, set);
    logger.warn({ keyId: id, limit: name, value, was: current, source }, 'learned a lower limit from the provider');
    track(kv.set(kvKey(id), JSON.stringify(set)));
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
      if (quota.limit === undefined || quota.scope === 'unknown') return;
      const { value, dimension, source } = quota.limit;
      const name = `${dimension === 'requests' ? 'r' : 't'}p${quota.scope === 'minute' ? 'm' : 'd'}` as LearnableLimit;
      learn(id, name, value, source, published, now);
    },
    refresh(ids, now) {
      for (const id of ids) {
        if (now - (lastRefresh.get(id) ?? -Infinity) < refreshMs) continue;
        lastRefresh.set(id, now);
        track(
          kv.get(kvKey(id)).then((stored) => {
            if (stored !== undefined) learned.set(id, lowest(learned.get(id), JSON.parse(stored) as LearnedLimitSet));
          }),
        );
      }
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
