// What the Overview page reads: GET /admin/status (docs/ACCOUNTS.md#status-get-adminstatus), refreshed live.
import { useQuery } from '@tanstack/react-query';
import { api, query } from '../../api/client';
import type { LearnedLimitSet, Limits } from '../../limits';

/** How much of one window is left; source says who counted it (the gateway, the provider's headers, or both). */
export interface Headroom {
  limit: number | null;
  used: number | null;
  remaining: number;
  resetsAt: number | null;
  source: 'gateway' | 'provider' | 'mixed';
}

export interface HeadroomPair {
  requests: Headroom | null;
  tokens: Headroom | null;
}

export interface FreeTier {
  minute: HeadroomPair;
  day: HeadroomPair;
  nearlySpent: boolean;
}

export interface LiveMetrics {
  count: number;
  errors: number;
  perMinute: number;
  errorRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p50TtftMs: number | null;
}

export interface KeyCounts {
  total: number;
  usable: number;
  resting: number;
  disabled: number;
}

export interface KeyStatusEntry {
  id: string;
  masked: string;
  status: 'active' | 'cooling' | 'disabled';
  reason: string | null;
  until: number | null;
  /** Its headroom, and the limits the provider said are lower than the published ones. */
  freeTier: FreeTier & { learned: LearnedLimitSet | null };
}

export interface ProviderStatus {
  id: string;
  name: string;
  enabled: boolean;
  reason: string | null;
  signupUrl: string | null;
  circuit: { state: 'closed' | 'open' | 'half_open'; until: number | null } | null;
  keyCounts: KeyCounts;
  keys: KeyStatusEntry[];
  /** The published limits of each key; null when off. */
  limits: Limits | null;
  /** A keyless provider's learned limits (keys have their own). */
  learned: LearnedLimitSet | null;
  freeTier: FreeTier | null;
  live: LiveMetrics;
}

export interface StatusSnapshot {
  generatedAt: number;
  windowMinutes: number;
  nearlySpentBelow: number;
  totals: { nearlySpent: string[]; calls: LiveMetrics; requests: LiveMetrics };
  providers: ProviderStatus[];
}

/** The window of the live figures, in minutes. */
const WINDOW_MINUTES = 5;

/** The snapshot, read again every 5 s while the page is open. */
export function useStatus() {
  return useQuery({
    queryKey: ['admin-status', WINDOW_MINUTES],
    queryFn: () => api<StatusSnapshot>(`/admin/status${query({ minutes: WINDOW_MINUTES })}`),
    refetchInterval: 5_000,
  });
}
