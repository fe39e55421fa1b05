// Builds GET /admin/status's snapshot: providers and their circuits and keys from the accounts layer, free-tier
// headroom from the limit counters and the providers' headers, live figures from the usage records and request log.
import cluster from 'node:cluster';
import type { KeyFreeTier } from '../../accounts/free-tier.js';
import { NEARLY_SPENT_BELOW, sumFreeTier } from '../../accounts/free-tier.js';
import type { Breakers } from '../../accounts/breakers.js';
import type { KeyAdmin, KeyInfo } from '../../accounts/types.js';
import type { ResolvedCatalog, ResolvedProvider } from '../../catalog/types.js';
import type { Limits } from '../../config/schema.js';
import type { RequestLogStore, UsageRecord, UsageStore } from '../../storage/types.js';
import { callMetrics, requestMetrics } from './live-metrics.js';
import type { KeyCounts, KeyStatusEntry, ProviderStatus, StatusSnapshot } from './types.js';

/** What the snapshot is read from. */
export interface StatusSources {
  registry: ResolvedCatalog;
  /** The provider keys and their health (re-read from the shared store first). */
  keyAdmin: KeyAdmin;
  breakers: Pick<Breakers, 'state' | 'retryAfterMs'>;
  /** What is left of a key's limits (src/accounts/free-tier.ts). */
  freeTier(id: string, limits: Limits, now: number): Promise<KeyFreeTier>;
  usage: UsageStore;
  requests: RequestLogStore;
  now: () => number;
}

/** The snapshot with live figures over the last `minutes`. */
export async function readStatus(sources: StatusSources, minutes: number): Promise<StatusSnapshot> {
  const now = sources.now();
  const from = now - minutes * 60_000;
  const [keys, calls, requests] = await Promise.all([
    sources.keyAdmin.list(),
    sources.usage.query(from, now),
    requestMetrics(sources.requests, from, now),
  ]);
  const byProvider = new Map<string, UsageRecord[]>();
  for (const call of calls) {
    const list = byProvider.get(call.provider);
    if (list === undefined) byProvider.set(call.provider, [call]);
    else list.push(call);
  }
  const enabled = await Promise.all(
    sources.registry.providers.map((provider) =>
      providerStatus(sources, provider, keys, byProvider.get(provider.id) ?? [], minutes, now),
    ),
  );
  const disabled = sources.registry.disabled.map(
    (off): ProviderStatus => ({
      id: off.id,
      name: off.name,
      enabled: false,
      reason: off.reason,
      keyEnv: off.keyEnv,
      signupUrl: off.signupUrl ?? null,
      circuit: null,
      keyCounts: countKeys([]),
      keys: [],
      limits: null,
      learned: null,
      freeTier: null,
      live: callMetrics([], minutes),
    }),
  );
  return {
    object: 'gateway.status',
    generatedAt: now,
    windowMinutes: minutes,
    nearlySpentBelow: NEARLY_SPENT_BELOW,
    totals: {
      providers: {
        enabled: enabled.length,
        disabled: disabled.length,
        circuitOpen: enabled.filter((p) => p.circuit?.state === 'open').length,
      },
      keyCounts: countKeys(enabled.flatMap((p) => p.keys)),
      nearlySpent: enabled.filter((p) => p.freeTier?.nearlySpent).map((p) => p.id),
      calls: callMetrics(calls, minutes),
      requests,
    },
    providers: [...enabled, ...disabled],
    instance: { pid: process.pid, worker: cluster.worker?.id ?? null },
  };
}

async function providerStatus(
  sources: StatusSources,
  provider: ResolvedProvider,
  allKeys: KeyInfo[],
  /** The provider's own calls. */
  calls: UsageRecord[],
  minutes: number,
  now: number,
): Promise<ProviderStatus> {
  const infos = allKeys.filter((key) => key.provider === provider.id);
  const keys = await Promise.all(
    infos.map(
      async (info): Promise<KeyStatusEntry> => ({
        id: info.id,
        masked: info.masked,
        source: info.source,
        status: info.status,
        reason: info.reason ?? null,
        until: info.until ?? null,
        uses: info.uses,
        freeTier: await sources.freeTier(info.id, provider.limits, now),
      }),
    ),
  );
  // A keyless provider's limits are counted (and learned) under its own id.
  const own = provider.keys.length === 0 ? await sources.freeTier(provider.id, provider.limits, now) : undefined;
  const serving =
    own === undefined ? keys.filter((key) => key.status !== 'disabled').map((key) => key.freeTier) : [own];
  const retryAfter = sources.breakers.retryAfterMs(provider.id);
  return {
    id: provider.id,
    name: provider.name,
    enabled: true,
    reason: null,
    keyEnv: [],
    signupUrl: null,
    circuit: {
      state: sources.breakers.state(provider.id),
      until: retryAfter === undefined ? null : now + retryAfter,
    },
    keyCounts: countKeys(keys),
    keys,
    limits: provider.limits,
    learned: own?.learned ?? null,
    freeTier: sumFreeTier(serving),
    live: callMetrics(calls, minutes),
  };
}

function countKeys(keys: Array<Pick<KeyInfo, 'status'>>): KeyCounts {
  const count = (status: KeyInfo['status']) => keys.filter((key) => key.status === status).length;
  return { total: keys.length, usable: count('active'), resting: count('cooling'), disabled: count('disabled') };
}
