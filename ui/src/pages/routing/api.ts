// What the Routing page reads and changes: the routing values of GET /admin/settings, PATCH /admin/settings, and
// POST /v1/routing/explain (which calls no model).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

export const MODES = ['fastest', 'balanced', 'best_quality'] as const;
export type Mode = (typeof MODES)[number];

/** One value of GET /admin/settings. */
export interface SettingValue {
  path: string;
  value: unknown;
  source: 'default' | 'file' | 'env' | 'flag' | 'console';
  live: boolean;
  editable: boolean;
  base?: unknown;
  updatedAt?: number;
}

interface Settings {
  values: SettingValue[];
}

/** Who classified the prompt and how sure it was (explain's `classifier`). */
export interface ClassifierPart {
  by: 'learned' | 'llm' | 'rules';
  confidence?: number;
  minConfidence: number;
  secondOpinion?: { model: string; wanted: boolean; taken: boolean; task?: string; domain?: string };
}

/** A candidate's bandit arm: its Beta posterior, the draw used, its place with and without the draws. */
export interface ArmPart {
  alpha: number;
  beta: number;
  mean: number;
  sample?: number;
  good: number;
  bad: number;
  evidence: number;
  rank: number;
  rankWithoutDraw: number;
  moved: boolean;
}

/** The answer of POST /v1/routing/explain. */
export interface Explanation {
  task: string;
  domain: string;
  complexity: number;
  confidence?: number;
  /** Absent from gateways older than the learning fields. */
  classifier?: ClassifierPart;
  /** Absent when routing.bandit is off. */
  bandit?: { priorStrength: number; window: number; drew: boolean; reordered: boolean };
  tokens: number;
  needs: { tools: boolean; vision: boolean; json: boolean; longContext: boolean };
  mode: Mode;
  rule?: string;
  ensemble?: unknown;
  cache?: boolean;
  candidates: Array<{ model: string; score: number; reasons: string[]; bandit?: ArmPart }>;
  skipped: Array<{ model: string; reason: string }>;
}

/** The routing values of the running settings, by path (`routing.defaultMode`, `routing.rules`). */
export function useRoutingSettings() {
  return useQuery({
    queryKey: ['admin-settings'],
    queryFn: () => api<Settings>('/admin/settings'),
    select: (settings) => new Map(settings.values.map((v) => [v.path, v])),
  });
}

/** PATCH /admin/settings {routing: change}; null in a field resets it to the file's. */
export function usePatchRouting() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (routing: { defaultMode?: Mode | null; rules?: unknown[] | null }) =>
      api<Settings>('/admin/settings', { method: 'PATCH', body: { routing } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin-settings'] }),
  });
}

/** Explains how `prompt` would be routed in `mode` (the default mode when undefined). */
export function useExplain() {
  return useMutation({
    mutationFn: ({ prompt, mode }: { prompt: string; mode: Mode | undefined }) =>
      api<Explanation>('/v1/routing/explain', {
        body: {
          model: 'auto',
          messages: [{ role: 'user', content: prompt }],
          ...(mode === undefined ? {} : { model_quality: mode }),
        },
      }),
  });
}
