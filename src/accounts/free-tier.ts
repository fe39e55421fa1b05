// The free-tier cockpit's figures: what is left of a key's limits this minute and today, from the gateway's own
// counters against the published limits and from what the provider last said in its rate-limit headers.
import type { Limits } from '../config/schema.js';
import type { QuotaDimension, QuotaScope, QuotaWindow } from '../providers/rate-limits.js';
import type { WindowStore } from '../storage/types.js';
import { effectiveLimits, type LearnedLimits, type LearnedLimitSet } from './learned-limits.js';
import { DAY_MS, MINUTE_MS, requestCounter, tokenCounter } from './limits.js';
import type { QuotaReadings } from './quota-readings.js';

/** A key is nearly spent when less than this share of a daily limit is left. */
export const NEARLY_SPENT_BELOW = 0.1;

/**
 * What is left of one limit. `gateway`: the gateway's count against the published (catalog or config) limit;
 * `provider`: the provider's own count from its last rate-limit headers; `mixed`: a provider's keys summed, some of
 * each. Where both are known the tighter one is shown: the gateway refuses at its published limit whatever the
 * provider allows, and the provider refuses whatever the gateway counted.
 */
export interface Headroom {
  /** Null when only the provider's headers speak and they gave no limit. */
  limit: number | null;
  used: number | null;
  remaining: number;
  /** When the window is whole again (ms since the epoch); null when nothing is used or the provider did not say. */
  resetsAt: number | null;
  source: 'gateway' | 'provider' | 'mixed';
}

/** Requests and tokens of one window length; null where there is no limit and the provider said nothing. */
export interface HeadroomPair {
  requests: Headroom | null;
  tokens: Headroom | null;
}

/** A key's (or a provider's, summed over its keys) headroom this minute and today. */
export interface FreeTier {
  minute: HeadroomPair;
  day: HeadroomPair;
  /** Less than NEARLY_SPENT_BELOW of a daily limit (requests or tokens) is left. */
  nearlySpent: boolean;
}

/** A window as the provider last reported it, whatever its length: OpenAI's and OpenRouter's do not say theirs. */
export interface ReportedWindow {
  dimension: QuotaDimension;
  scope: QuotaScope;
  limit: number | null;
  remaining: number | null;
  resetsAt: number | null;
}

/** One key's headroom, with the provider's last rate-limit headers as they were read. */
export interface KeyFreeTier extends FreeTier {
  reported: { at: number; windows: ReportedWindow[] } | null;
  /**
   * The limits the provider said are lower than the published ones, with what said so (a header, a QuotaFailure, a
   * 429 body): the headroom above is counted against them.
   */
  learned: LearnedLimitSet | null;
}

/** Where the figures come from: the key pool's window store (with its local fallback) and its header readings. */
export interface FreeTierSources {
  windows: WindowStore;
  readings: QuotaReadings;
  learned: LearnedLimits;
}

const WINDOWS = [
  { scope: 'minute', ms: MINUTE_MS, requests: 'rpm', tokens: 'tpm' },
  { scope: 'day', ms: DAY_MS, requests: 'rpd', tokens: 'tpd' },
] as const;

/** The headroom of key `id` (the provider id for a keyless provider) under `published` limits, or lower learned ones. */
export async function readFreeTier(
  sources: FreeTierSources,
  id: string,
  published: Limits,
  now: number,
): Promise<KeyFreeTier> {
  const reading = sources.readings.get(id);
  const learned = sources.learned.get(id);
  const limits = effectiveLimits(published, learned);
  const one = async (scope: (typeof WINDOWS)[number], dimension: 'requests' | 'tokens') => {
    const limit = limits[scope[dimension]];
    const counter = dimension === 'requests' ? requestCounter(id) : tokenCounter(id);
    const counted =
      limit === undefined ? null : fromCounter(limit, await sources.windows.level(counter, scope.ms, now));
    const said = reading?.windows.find((w) => w.dimension === dimension && w.scope === scope.scope);
    const told = said === undefined ? null : fromHeaders(said, reading!.at, scope.ms, limit, now);
    return tighter(counted, told);
  };
  const [minute, day] = await Promise.all(
    WINDOWS.map(async (scope) => {
      const [requests, tokens] = await Promise.all([one(scope, 'requests'), one(scope, 'tokens')]);
      return { requests, tokens };
    }),
  );
  return {
    minute: minute!,
    day: day!,
    nearlySpent: nearlySpent(day!),
    reported: reading === undefined ? null : { at: reading.at, windows: reading.windows.map(reported) },
    learned: learned ?? null,
  };
}

/** A provider's headroom: its keys' summed (pass only the keys that can serve: disabled ones have none to give). */
export function sumFreeTier(parts: FreeTier[]): FreeTier {
  const sum = (pick: (tier: FreeTier) => Headroom | null): Headroom | null => {
    const all = parts.map(pick).filter((h): h is Headroom => h !== null);
    if (all.length === 0) return null;
    const total = (field: 'limit' | 'used') =>
      all.every((h) => h[field] !== null) ? all.reduce((n, h) => n + h[field]!, 0) : null;
    const resets = all.map((h) => h.resetsAt).filter((t): t is number => t !== null);
    const sources = new Set(all.map((h) => h.source));
    return {
      limit: total('limit'),
      used: total('used'),
      remaining: all.reduce((n, h) => n + h.remaining, 0),
      // The soonest time some of it comes back.
      resetsAt: resets.length === 0 ? null : Math.min(...resets),
      source: sources.size === 1 ? [...sources][0]! : 'mixed',
    };
  };
  const pair = (scope: 'minute' | 'day'): HeadroomPair => ({
    requests: sum((tier) => tier[scope].requests),
    tokens: sum((tier) => tier[scope].tokens),
  });
  const day = pair('day');
  return { minute: pair('minute'), day, nearlySpent: nearlySpent(day) };
}

function fromCounter(limit: number, level: { total: number; clearsAt?: number }): Headroom {
  return {
    limit,
    used: level.total,
    remaining: Math.max(0, limit - level.total),
    resetsAt: level.clearsAt ?? null,
    source: 'gateway',
  };
}

/**
 * The provider's word on a window, while it still holds: until the reset it gave, or for one window's length after
 * it was said when it gave none. Its limit, when it sent none, is the published one.
 */
function fromHeaders(
  window: QuotaWindow,
  at: number,
  windowMs: number,
  published: number | undefined,
  now: number,
): Headroom | null {
  const holds = window.resetAt === undefined ? now - at < windowMs : window.resetAt > now;
  if (!holds || window.remaining === undefined) return null;
  const limit = window.limit ?? published ?? null;
  return {
    limit,
    used: limit === null ? null : Math.max(0, limit - window.remaining),
    remaining: window.remaining,
    resetsAt: window.resetAt ?? null,
    source: 'provider',
  };
}

/** The one with less left (the provider's on a tie: it has the last word on its own quota). */
function tighter(counted: Headroom | null, told: Headroom | null): Headroom | null {
  if (counted === null || told === null) return counted ?? told;
  return told.remaining <= counted.remaining ? told : counted;
}

function nearlySpent(day: HeadroomPair): boolean {
  return [day.requests, day.tokens].some(
    (h) => h !== null && (h.limit === null ? h.remaining === 0 : h.remaining < h.limit * NEARLY_SPENT_BELOW),
  );
}

function reported(window: QuotaWindow): ReportedWindow {
  return {
    dimension: window.dimension,
    scope: window.scope,
    limit: window.limit ?? null,
    remaining: window.remaining ?? null,
    resetsAt: window.resetAt ?? null,
  };
}
