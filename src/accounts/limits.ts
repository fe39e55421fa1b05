// Upstream limits: a key's published limits (rpm, rpd, tpm, tpd) as sliding-window rules (the cap on requests in
// flight is concurrency-gate.ts).
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
