// The key pool: for each call, a key of the provider that is healthy and has room under its limits, picked by the
// configured strategy; and, for route planning, whether a provider can take a call at all right now.
import type { ProviderKey, ResolvedProvider } from '../catalog/types.js';
import { KeyUnavailableError } from './errors.js';
import { createKeyLease, type LeaseStart } from './key-lease.js';
import type { KeyPool, KeyPoolDeps } from './key-pool-types.js';
import { orderKeys } from './key-order.js';
import { effectiveLimits } from './learned-limits.js';
import { callRules } from './limits.js';
import { reportedShare } from './quota-readings.js';
import type { KeyInfo } from './types.js';

/** After the window store refused a key, route planning skips it locally until then (the store stays the judge). */
const NEVER = Number.POSITIVE_INFINITY;

/** The ids of a provider's keys, per keys array: asked for on every call; the array changes only with the catalog. */
const keyIds = new WeakMap<readonly ProviderKey[], string[]>();

function idsOf(keys: readonly ProviderKey[]): string[] {
  let ids = keyIds.get(keys);
  if (ids === undefined) keyIds.set(keys, (ids = keys.map((key) => key.id)));
  return ids;
}

/** Limits that count tokens (tpm or tpd). */
function limitsTokens(limits: { tpm?: unknown; tpd?: unknown } | undefined): boolean {
  return limits !== undefined && (limits.tpm !== undefined || limits.tpd !== undefined);
}

export function createKeyPool(deps: KeyPoolDeps): KeyPool {
  const uses = new Map<string, number>();
  const limitedUntil = new Map<string, number>();
  const cursors = new Map<string, number>();
  const isUsable = (key: ProviderKey, now: number) =>
    deps.health.get(key.id, now) === undefined && (limitedUntil.get(key.id) ?? 0) <= now;
  const usable = (keys: ProviderKey[], now: number) => keys.filter((key) => isUsable(key, now));
  /** When a key is usable again: after both its health rest (never, when disabled) and its limits allow. */
  const restsUntil = (key: ProviderKey, now: number) => {
    const state = deps.health.get(key.id, now);
    const healthy = state === undefined ? 0 : state.status === 'disabled' ? NEVER : (state.until ?? NEVER);
    return Math.max(healthy, limitedUntil.get(key.id) ?? 0);
  };
  /** The earliest time a resting key of `keys` is usable again. */
  const earliestRest = (keys: ProviderKey[], now: number) => Math.min(...keys.map((key) => restsUntil(key, now)));

  const pool: KeyPool = {
    unavailable(provider) {
      const now = deps.now();
      if (!deps.breakers.canAllow(provider.id)) {
        return {
          kind: 'circuit_open',
          reason: 'circuit open: too many of its calls failed',
          retryAfterMs: deps.breakers.retryAfterMs(provider.id) ?? 1_000,
        };
      }
      if (provider.keys.length === 0) {
        deps.learned.refresh([provider.id], now);
        return undefined;
      }
      deps.health.refresh(provider.keys, now);
      deps.learned.refresh(idsOf(provider.keys), now);
      if (provider.keys.some((key) => isUsable(key, now))) return undefined;
      const until = earliestRest(provider.keys, now);
      if (until === NEVER) return { kind: 'no_key', reason: 'every key is disabled', retryAfterMs: NEVER };
      return {
        kind: 'resting',
        reason: 'every key is resting (rate limited or quota spent)',
        retryAfterMs: until - now,
      };
    },

    async acquire(model, request) {
      const provider = model.provider;
      const down = pool.unavailable(provider);
      if (down !== undefined) throw new KeyUnavailableError(provider.id, down.kind, down.reason, down.retryAfterMs);
      const cap = provider.limits.concurrency ?? deps.defaultConcurrency;
      if (request.waitMs) await deps.gate.enter(provider.id, cap, request.waitMs, request.signal);
      else if (!deps.gate.tryEnter(provider.id, cap)) {
        throw new KeyUnavailableError(provider.id, 'resting', `${cap} requests already in flight`, 1_000);
      }
      try {
        const tokens = countsTokens(provider) ? request.tokens() : 0;
        const { key, at } = await reserve(provider, tokens);
        if (!deps.breakers.allow(provider.id)) {
          throw new KeyUnavailableError(
            provider.id,
            'circuit_open',
            'circuit open: too many of its calls failed',
            deps.breakers.retryAfterMs(provider.id) ?? 1_000,
          );
        }
        if (key !== undefined) uses.set(key.id, (uses.get(key.id) ?? 0) + 1);
        // Set field by field: three conditional spreads and a merge were a measurable part of a call's bookkeeping.
        const start: LeaseStart = { model, key, at, reservedTokens: tokens };
        if (request.runId !== undefined) start.runId = request.runId;
        if (request.requestKey !== undefined) start.requestKey = request.requestKey;
        if (request.clientId !== undefined) start.clientId = request.clientId;
        return createKeyLease(deps, start);
      } catch (err) {
        deps.gate.leave(provider.id);
        throw err;
      }
    },

    load: (provider) => ({ inFlight: deps.gate.inFlight(provider), waiting: deps.gate.waiting(provider) }),

    headroom(provider) {
      const now = deps.now();
      if (provider.keys.length === 0) return reportedShare(deps.readings.get(provider.id), now);
      const open = new Set(usable(provider.keys, now));
      const shares = provider.keys.map((key) => (open.has(key) ? reportedShare(deps.readings.get(key.id), now) : 0));
      return shares.reduce((a, b) => a + b, 0) / provider.keys.length;
    },

    describe(registry) {
      const now = deps.now();
      return registry.providers.flatMap((provider) =>
        provider.keys.map((key): KeyInfo => {
          const state = deps.health.get(key.id, now);
          const limited = limitedUntil.get(key.id) ?? 0;
          const learned = deps.learned.get(key.id);
          const info: KeyInfo = {
            id: key.id,
            provider: provider.id,
            masked: key.masked,
            source: key.source,
            status: state?.status ?? 'active',
            uses: uses.get(key.id) ?? 0,
            ...(learned === undefined ? {} : { learnedLimits: learned }),
          };
          if (state !== undefined)
            return { ...info, reason: state.reason, ...(state.until === undefined ? {} : { until: state.until }) };
          return limited > now
            ? { ...info, status: 'cooling', reason: 'at its configured limits', until: limited }
            : info;
        }),
      );
    },
  };

  /** Tries the usable keys in strategy order until the window store takes one. */
  async function reserve(
    provider: ResolvedProvider,
    tokens: number,
  ): Promise<{ key: ProviderKey | undefined; at: number }> {
    const now = deps.now();
    if (provider.keys.length === 0) {
      const limits = effectiveLimits(provider.limits, deps.learned.get(provider.id));
      const taken = await deps.windows.consume(callRules(provider.id, limits, tokens), now);
      if (!taken.ok)
        throw new KeyUnavailableError(provider.id, 'resting', 'at its configured limits', taken.retryAfterMs);
      return { key: undefined, at: taken.at };
    }
    const ordered = await orderKeys(deps, provider, usable(provider.keys, now), { cursors, uses, tokens, now });
    let wait = NEVER;
    for (const key of ordered) {
      const rules = callRules(key.id, effectiveLimits(provider.limits, deps.learned.get(key.id)), tokens);
      if (rules.length === 0) return { key, at: now };
      const taken = await deps.windows.consume(rules, now);
      if (taken.ok) return { key, at: taken.at };
      limitedUntil.set(key.id, now + taken.retryAfterMs);
      wait = Math.min(wait, taken.retryAfterMs);
    }
    const reason = 'every key is at its configured limits';
    throw new KeyUnavailableError(provider.id, 'resting', reason, wait === NEVER ? 1_000 : wait);
  }

  /** Whether a call's tokens are counted: the provider has a token limit, published or learned for one of its keys. */
  function countsTokens(provider: ResolvedProvider): boolean {
    if (limitsTokens(provider.limits)) return true;
    if (provider.keys.length === 0) return limitsTokens(deps.learned.get(provider.id));
    return provider.keys.some((key) => limitsTokens(deps.learned.get(key.id)));
  }

  return pool;
}
