// Provider limits as the console shows them: the published per-key limits ("30 req/min · 1K req/day") and the lower
// ones learned from what the provider said (rate-limit headers, a quota error), with their source and age.
import { formatCompact, formatInt, formatRelative } from './format';

/** Per-key limits of the catalog or the config. */
export interface Limits {
  rpm?: number;
  rpd?: number;
  tpm?: number;
  tpd?: number;
  concurrency?: number;
}

export type LearnableLimit = 'rpm' | 'rpd' | 'tpm' | 'tpd';

/** A limit learned from the provider: its value, what said it, and when (ms since the epoch). */
export interface LearnedLimit {
  value: number;
  source: string;
  at: number;
}

export type LearnedLimitSet = Partial<Record<LearnableLimit, LearnedLimit>>;

/** Names of the limits, in the order they are shown. */
export const LIMIT_NAMES: Record<LearnableLimit, string> = {
  rpm: 'Requests per minute',
  rpd: 'Requests per day',
  tpm: 'Tokens per minute',
  tpd: 'Tokens per day',
};

/** "30 req/min · 1K req/day · 6K tokens/min"; empty when there are none. */
export function formatLimits(limits: Limits): string {
  const parts: string[] = [];
  if (limits.rpm !== undefined) parts.push(`${formatCompact(limits.rpm)} req/min`);
  if (limits.rpd !== undefined) parts.push(`${formatCompact(limits.rpd)} req/day`);
  if (limits.tpm !== undefined) parts.push(`${formatCompact(limits.tpm)} tokens/min`);
  if (limits.tpd !== undefined) parts.push(`${formatCompact(limits.tpd)} tokens/day`);
  if (limits.concurrency !== undefined) parts.push(`${formatInt(limits.concurrency)} at once`);
  return parts.join(' · ');
}

/** "learned from requests per day in the rate-limit headers, 2 hours ago". */
export function learnedFrom(limit: LearnedLimit, now = Date.now()): string {
  return `learned from ${limit.source}, ${formatRelative(limit.at, now)}`;
}

/** The learned limits of a set, in display order. */
export function learnedEntries(set: LearnedLimitSet | null | undefined): Array<[LearnableLimit, LearnedLimit]> {
  if (!set) return [];
  return (Object.keys(LIMIT_NAMES) as LearnableLimit[]).flatMap((name) => {
    const limit = set[name];
    return limit === undefined ? [] : [[name, limit] as [LearnableLimit, LearnedLimit]];
  });
}
