// What the Settings page reads: GET /admin/settings (every running value with where it comes from, the config file
// and its last reload), read again every 10 s so a reload of the file shows without a refresh.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { SettingValue } from '../routing/api';

/** The last time the config file was read again (it changed, or SIGHUP) and what came of it. */
export interface ReloadStatus {
  at: number;
  trigger: 'file' | 'signal';
  ok: boolean;
  error?: string;
  applied: string[];
  restartNeeded: string[];
}

/** GET /admin/settings, the parts this page shows. */
export interface SettingsView {
  file: string | null;
  lastReload: ReloadStatus | null;
  restartNeeded: string[];
  values: Array<SettingValue & { pending?: unknown }>;
}

export function useSettings() {
  return useQuery({
    queryKey: ['admin-settings', 'all'],
    queryFn: () => api<SettingsView>('/admin/settings'),
    refetchInterval: 10_000,
  });
}
