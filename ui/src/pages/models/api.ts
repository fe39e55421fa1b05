// What the Models page reads (GET /v1/catalog, GET /admin/settings) and the switches it flips
// (PUT and DELETE /admin/{providers|models}/{id}/enabled).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Limits } from '../../limits';

export interface ModelStats {
  samples: number;
  successRate: number;
  latencyMs?: number;
  ttftMs?: number;
  tokensPerSec?: number;
  quality?: number;
}

/** One model of GET /v1/catalog. */
export interface CatalogModel {
  id: string;
  provider: string;
  name: string;
  active: boolean;
  reason?: string;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens?: number;
  quality: number;
  speed: number;
  costPer1M: { input: number; output: number };
  free: boolean;
  stats: ModelStats | null;
  pruned?: { until: number; reason: string };
  /** Found in the provider's own listing (discovery), not written in the catalog or the config. */
  discovered?: boolean;
  /** The day it left the provider's listing. */
  retiredAt?: string;
  /** The day the provider shuts it down, as its listing says. */
  shutdownAt?: string;
}

export interface CatalogProvider {
  id: string;
  name: string;
  active: boolean;
  reason?: string;
  limits: Limits;
  keys: number;
  signupUrl?: string;
}

export interface Catalog {
  data: CatalogModel[];
  providers: CatalogProvider[];
}

/** A provider's or a model's switch as GET /admin/settings shows it. */
export interface SwitchView {
  id: string;
  enabled: boolean;
  source: 'default' | 'file' | 'console';
  base: boolean;
  updatedAt?: number;
  active: boolean;
  reason?: string;
}

interface Switches {
  providers: SwitchView[];
  models: SwitchView[];
}

export type SwitchKind = 'provider' | 'model';

/** The catalog with its live stats, refreshed every few seconds. */
export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: () => api<Catalog>('/v1/catalog'), refetchInterval: 5_000 });
}

/** The admin's view of the switches (only asked for when `admin`). */
export function useSwitches(admin: boolean) {
  return useQuery({
    queryKey: ['admin-settings'],
    queryFn: () => api<Switches>('/admin/settings'),
    enabled: admin,
  });
}

/** Sets a switch (`enabled`) or resets it to the file's (`undefined`); refreshes what it changes. */
export function useSwitch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id, enabled }: { kind: SwitchKind; id: string; enabled: boolean | undefined }) =>
      api<SwitchView>(`/admin/${kind === 'provider' ? 'providers' : 'models'}/${id}/enabled`, {
        method: enabled === undefined ? 'DELETE' : 'PUT',
        ...(enabled === undefined ? {} : { body: { enabled } }),
      }),
    onSettled: () =>
      Promise.all(['catalog', 'admin-settings', 'models'].map((key) => client.invalidateQueries({ queryKey: [key] }))),
  });
}
