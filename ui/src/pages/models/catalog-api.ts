// What the Models page's catalog upkeep reads and does (admin only: render what uses these for the admin): what discovery changed
// (GET /admin/catalog/changes), a sync now (POST /admin/catalog/sync), and the community lists' proposals
// (GET /admin/catalog/proposals, POST .../refresh, POST .../{id}/accept | dismiss). docs/CATALOG.md, docs/ACCOUNTS.md.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../api/client';
import type { Limits } from '../../limits';

/** One change a sync found: a model that appeared, left the listing, came back, changed, or got a shutdown date. */
export interface CatalogChange {
  at: number;
  provider: string;
  model: string;
  change: 'appeared' | 'retired' | 'returned' | 'changed' | 'shutdown' | 'expired';
  detail?: string;
}

/** What POST /admin/catalog/sync did: each provider listed (or why not) and what changed. */
export interface SyncReport {
  syncedAt: number;
  providers: Array<{ id: string; ok: boolean; listed?: number; error?: string }>;
  changes: CatalogChange[];
}

export type ProposalChange =
  | {
      kind: 'new_provider';
      entry: {
        id: string;
        name?: string;
        keyEnv?: string[];
        signupUrl?: string;
        limits?: Limits;
        trialCredit?: { amount: number; currency: string };
      };
      models: string[];
    }
  | { kind: 'limits'; provider: string; current: Limits; proposed: Limits };

/** A catalog change a community list proposes, for the operator to accept or dismiss. */
export interface Proposal {
  id: string;
  status: 'pending' | 'accepted' | 'dismissed';
  source: string;
  section: string;
  change: ProposalChange;
  createdAt: number;
  decidedAt?: number;
}

/** The newest changes first, refreshed every 30 s (a sync may run on another instance). */
export function useCatalogChanges() {
  return useQuery({
    queryKey: ['catalog-changes'],
    queryFn: () => api<{ data: CatalogChange[] }>(`/admin/catalog/changes${query({ limit: 50 })}`).then((r) => r.data),
    refetchInterval: 30_000,
  });
}

export function useProposals() {
  return useQuery({
    queryKey: ['catalog-proposals'],
    queryFn: () => api<{ data: Proposal[] }>('/admin/catalog/proposals').then((r) => r.data),
    // The lists are read in the background at start, and may be read again on another instance.
    refetchInterval: 30_000,
  });
}

/** Runs discovery now; the catalog, its switches and the changes are read again after. */
export function useSyncNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<SyncReport>('/admin/catalog/sync', { method: 'POST' }),
    onSettled: () =>
      Promise.all(
        ['catalog', 'admin-settings', 'catalog-changes', 'models'].map((key) =>
          client.invalidateQueries({ queryKey: [key] }),
        ),
      ),
  });
}

/** Reads the community lists again. */
export function useRefreshProposals() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<{ made: number; failed: Array<{ source: string; error: string }> }>('/admin/catalog/proposals/refresh', {
        method: 'POST',
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['catalog-proposals'] }),
  });
}

/** Accepts or dismisses a proposal; resolves the gateway's answer as it is (the decided proposal, and more). */
export function useDecideProposal(onDecided: (answer: Proposal & Record<string, unknown>) => void) {
  const client = useQueryClient();
  return useMutation({
    onSuccess: onDecided,
    mutationFn: ({ id, verb }: { id: string; verb: 'accept' | 'dismiss' }) =>
      api<Proposal & Record<string, unknown>>(`/admin/catalog/proposals/${encodeURIComponent(id)}/${verb}`, {
        method: 'POST',
      }),
    // An accepted proposal may change the catalog: read it again with the proposals.
    onSettled: () =>
      Promise.all(
        ['catalog-proposals', 'catalog', 'admin-settings', 'catalog-changes'].map((key) =>
          client.invalidateQueries({ queryKey: [key] }),
        ),
      ),
  });
}
