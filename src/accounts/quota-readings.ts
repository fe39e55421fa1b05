// The last quota windows each key's provider reported in its rate-limit headers, kept on this instance for the status
// page: the provider's own count of what is left, which also sees calls made with the key outside this gateway.
import type { QuotaSignal, QuotaWindow } from '../providers/rate-limits.js';

/** What a key's provider said in the last response that carried rate-limit headers. */
export interface QuotaReading {
  windows: QuotaWindow[];
  /** When that response arrived (ms since the epoch). */
  at: number;
}

/** The readings by key id (the provider id for a keyless provider); one small entry per key, replaced on each answer. */
export interface QuotaReadings {
  note(id: string, signal: QuotaSignal, at: number): void;
  get(id: string): QuotaReading | undefined;
}

export function createQuotaReadings(): QuotaReadings {
  const readings = new Map<string, QuotaReading>();
  return {
    note: (id, signal, at) => void readings.set(id, { windows: signal.windows, at }),
    get: (id) => readings.get(id),
  };
}

/**
 * The share (0..1) left of the tightest window a reading reports, among those still holding (before their reset, or
 * within a minute of the reading when they gave none) with both a limit and a remaining count; 1 when none does.
 */
export function reportedShare(reading: QuotaReading | undefined, now: number): number {
  if (reading === undefined) return 1;
  let share = 1;
  for (const w of reading.windows) {
    if (w.limit === undefined || w.remaining === undefined || w.limit <= 0) continue;
    const holds = w.resetAt === undefined ? now - reading.at < 60_000 : w.resetAt > now;
    if (holds) share = Math.min(share, Math.max(0, w.remaining / w.limit));
  }
  return share;
}
