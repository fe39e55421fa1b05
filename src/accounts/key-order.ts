// Key-picking strategies: the order in which a provider's usable keys are offered to the limit check.
import type { ProviderKey, ResolvedProvider } from '../catalog/types.js';
import type { KeyPoolDeps } from './key-pool-types.js';
import { effectiveLimits } from './learned-limits.js';
import { DAY_MS, MINUTE_MS, requestCounter, tokenCounter } from './limits.js';

export interface OrderState {
  /** Round-robin position per provider. */
  cursors: Map<string, number>;
  /** Calls per key id on this instance. */
  uses: Map<string, number>;
  /** Tokens the call reserves. */
  tokens: number;
  now: number;
}

/**
 * `round_robin`: each call starts one key further than the last (default; spreads load evenly with no store reads).
 * `least_used`: fewest calls from this instance first. `most_headroom`: the key furthest from its tightest limit
 * first, read from the shared window store (one read per key and limit, so it costs a round trip with Redis).
 */
export async function orderKeys(
  deps: KeyPoolDeps,
  provider: ResolvedProvider,
  keys: ProviderKey[],
  state: OrderState,
): Promise<ProviderKey[]> {
  if (keys.length <= 1) return keys;
  switch (deps.strategy) {
    case 'round_robin': {
      const start = state.cursors.get(provider.id) ?? 0;
      state.cursors.set(provider.id, (start + 1) % Number.MAX_SAFE_INTEGER);
      const offset = start % keys.length;
      return [...keys.slice(offset), ...keys.slice(0, offset)];
    }
    case 'least_used':
      return [...keys].sort((a, b) => (state.uses.get(a.id) ?? 0) - (state.uses.get(b.id) ?? 0));
    case 'most_headroom': {
      const headroom = await Promise.all(keys.map((key) => tightestHeadroom(deps, provider, key, state)));
      return keys
        .map((key, i) => ({ key, room: headroom[i]! }))
        .sort((a, b) => b.room - a.room)
        .map(({ key }) => key);
    }
  }
}

/** The smallest share (0..1) left under any of the key's limits; 1 when it has none. */
async function tightestHeadroom(
  deps: KeyPoolDeps,
  provider: ResolvedProvider,
  key: ProviderKey,
  state: OrderState,
): Promise<number> {
  const { rpm, rpd, tpm, tpd } = effectiveLimits(provider.limits, deps.learned.get(key.id));
  const checks: Array<[string, number, number | undefined]> = [
    [requestCounter(key.id), MINUTE_MS, rpm],
    [requestCounter(key.id), DAY_MS, rpd],
    [tokenCounter(key.id), MINUTE_MS, tpm],
    [tokenCounter(key.id), DAY_MS, tpd],
  ];
  const shares = await Promise.all(
    checks.map(async ([counter, windowMs, limit]) =>
      limit === undefined ? 1 : Math.max(0, 1 - (await deps.windows.total(counter, windowMs, state.now)) / limit),
    ),
  );
  return Math.min(...shares);
}
