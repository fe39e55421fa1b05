// Upstream limits: a key's published limits (rpm, rpd, tpm, tpd) as sliding-window rules, and the per-provider cap
// on requests in flight.
import type { Limits } from '../config/schema.js';
import type { WindowRule } from '../storage/types.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Window-store names of a key's request and token counters (per key id; the provider id for a keyless provider). */
export const requestCounter = (id: string) => `up:req:${id}`;
export const tokenCounter = (id: string) => `up:tok:${id}`;

/**
 * The rules one call must pass for key `id`: one request against rpm and rpd, `tokens` (an estimate, corrected once
 * the call reports its usage) against tpm and tpd. No limits, no rules: the call costs no store round trip.
 */
export function callRules(id: string, limits: Limits, tokens: number): WindowRule[] {
  const rules: WindowRule[] = [];
  const add = (key: string, windowMs: number, limit: number | undefined, amount: number) => {
    if (limit !== undefined) rules.push({ key, windowMs, limit, amount });
  };
  add(requestCounter(id), MINUTE_MS, limits.rpm, 1);
  add(requestCounter(id), DAY_MS, limits.rpd, 1);
  add(tokenCounter(id), MINUTE_MS, limits.tpm, tokens);
  add(tokenCounter(id), DAY_MS, limits.tpd, tokens);
  return rules;
}

/** The token windows to correct once a call's real usage is known. */
export function tokenWindows(id: string, limits: Limits): Array<{ key: string; windowMs: number }> {
  return [
    ...(limits.tpm === undefined ? [] : [{ key: tokenCounter(id), windowMs: MINUTE_MS }]),
    ...(limits.tpd === undefined ? [] : [{ key: tokenCounter(id), windowMs: DAY_MS }]),
  ];
}

/**
 * Requests in flight per provider, capped by `limits.concurrency`. Per instance: a cap is about not flooding a
 * provider from one process, and sharing it through Redis would put a round trip on every call's start and end.
 */
export interface ConcurrencyGate {
  tryEnter(provider: string, cap: number | undefined): boolean;
  leave(provider: string): void;
  inFlight(provider: string): number;
}

export function createConcurrencyGate(): ConcurrencyGate {
  const counts = new Map<string, number>();
  return {
    tryEnter(provider, cap) {
      const count = counts.get(provider) ?? 0;
      if (cap !== undefined && count >= cap) return false;
      counts.set(provider, count + 1);
      return true;
    },
    leave(provider) {
      const count = (counts.get(provider) ?? 1) - 1;
      if (count <= 0) counts.delete(provider);
      else counts.set(provider, count);
    },
    inFlight: (provider) => counts.get(provider) ?? 0,
  };
}
