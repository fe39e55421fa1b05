// The Keys page's data: the admin key API (provider keys, the providers a key can be added for, the vault, client
// keys), the model list and per-client usage, as TanStack queries and mutations that refresh what they change.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LearnedLimitSet } from '../../limits';
import { api, query } from '../../api/client';

/** GET /admin/keys: a provider key, masked. */
export interface ProviderKey {
  id: string;
  provider: string;
  masked: string;
  source: 'env' | 'config' | 'vault';
  status: 'active' | 'cooling' | 'disabled';
  reason?: string;
  /** Cooling: usable again at (ms since the epoch). */
  until?: number;
  uses: number;
  /** The limits the provider said are lower than the published ones, with what said so and when. */
  learnedLimits?: LearnedLimitSet;
}

/** GET /admin/keys/providers. */
export interface KeyProvider {
  id: string;
  name: string;
  enabled: boolean;
  reason?: string;
  keyless: boolean;
  keys: number;
  keyEnv: string[];
  signupUrl?: string;
  notes?: string;
}

/** GET /admin/vault. */
export interface VaultState {
  configured: boolean;
  location: string;
  entries: number;
  problems: Array<{ id?: string; provider?: string; problem: string }>;
}

/** GET /admin/client-keys (POST adds `key`, shown that once). */
export interface ClientKey {
  id: string;
  name: string;
  models: string[] | null;
  rpm: number | null;
  dailyTokens: number | null;
  /** Seconds since the epoch. */
  created: number;
}

export interface NewClientKey {
  name: string;
  models?: string[];
  rpm?: number;
  dailyTokens?: number;
}

/** One client's row of GET /v1/usage?group_by=client. */
export interface ClientUsage {
  key: string;
  requests: number;
  total_tokens: number;
  cost_usd: number;
}

type Validated = ProviderKey & { ok: boolean; message?: string };

const KEYS = ['admin', 'keys'] as const;
const CLIENT_KEYS = ['admin', 'client-keys'] as const;
const list = <T>(path: string) => api<{ data: T[] }>(path).then((body) => body.data);

export const useProviderKeys = () =>
  useQuery({ queryKey: KEYS, queryFn: () => list<ProviderKey>('/admin/keys'), refetchInterval: 15_000 });
export const useKeyProviders = () =>
  useQuery({ queryKey: ['admin', 'key-providers'], queryFn: () => list<KeyProvider>('/admin/keys/providers') });
export const useVault = () =>
  useQuery({ queryKey: ['admin', 'vault'], queryFn: () => api<VaultState>('/admin/vault') });
export const useClientKeys = () =>
  useQuery({ queryKey: CLIENT_KEYS, queryFn: () => list<ClientKey>('/admin/client-keys') });
export const useModelIds = () =>
  useQuery({
    queryKey: ['models'],
    queryFn: async () => (await list<{ id: string }>('/v1/models')).map((m) => m.id).filter((id) => id !== 'auto'),
  });

/** Usage per client key over the last `hours`, by key id. */
export function useClientUsage(hours: number) {
  return useQuery({
    queryKey: ['usage', 'client', hours],
    queryFn: async () => {
      const from = Date.now() - hours * 3_600_000;
      const report = await api<{ groups: ClientUsage[] }>(`/v1/usage${query({ group_by: 'client', from })}`);
      return new Map(report.groups.map((group) => [group.key, group]));
    },
    refetchInterval: 30_000,
  });
}

/** Everything a provider key change can alter: the keys, which providers are on, the vault, the model list. */
function useKeysChanged() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['admin'] }),
      client.invalidateQueries({ queryKey: ['models'] }),
    ]);
}

/** Adds a provider key, then checks it with the provider at once. The key is not kept in the mutation cache. */
export function useAddProviderKey() {
  const changed = useKeysChanged();
  return useMutation({
    mutationFn: async (input: { provider: string; key: string }) => {
      const added = await api<ProviderKey>('/admin/keys', { body: input });
      return api<Validated>(`/admin/keys/${added.id}/validate`, { method: 'POST' });
    },
    gcTime: 0,
    onSettled: changed,
  });
}

export function useValidateKey() {
  const changed = useKeysChanged();
  return useMutation({
    mutationFn: (id: string) => api<Validated>(`/admin/keys/${id}/validate`, { method: 'POST' }),
    onSettled: changed,
  });
}

export function useRemoveKey() {
  const changed = useKeysChanged();
  return useMutation({
    mutationFn: (id: string) => api(`/admin/keys/${id}`, { method: 'DELETE' }),
    onSettled: changed,
  });
}

/** Creating the first client key (or revoking the last) turns auth on (off): /v1/me says so, the banner follows. */
function useClientKeysChanged() {
  const client = useQueryClient();
  return () =>
    Promise.all([client.invalidateQueries({ queryKey: CLIENT_KEYS }), client.invalidateQueries({ queryKey: ['me'] })]);
}

export function useCreateClientKey() {
  const changed = useClientKeysChanged();
  return useMutation({
    mutationFn: (input: NewClientKey) => api<ClientKey & { key: string }>('/admin/client-keys', { body: input }),
    // The created key lives in the form's state until dismissed, not in the cache.
    gcTime: 0,
    onSettled: changed,
  });
}

export function useRevokeClientKey() {
  const changed = useClientKeysChanged();
  return useMutation({
    mutationFn: (id: string) => api(`/admin/client-keys/${id}`, { method: 'DELETE' }),
    onSettled: changed,
  });
}
