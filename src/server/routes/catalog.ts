// GET /v1/catalog: every model the gateway knows with what the catalog publishes of it (capabilities, context window,
// price, the provider's free-tier limits) and what this gateway measured (live stats, judge scores, prunes).
import { Router } from 'express';
import type { Limits, ModelConfig, ProviderEntry } from '../../config/schema.js';
import type { ModelStats } from '../../routing/types.js';
import type { AppDeps } from '../deps.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';

/** A provider as the catalog lists it: on or off (and why), and its published free-tier limits per key. */
interface CatalogProvider {
  id: string;
  name: string;
  active: boolean;
  reason?: string;
  limits: Limits;
  /** Keys the gateway rotates over (0 for an inactive or keyless provider). */
  keys: number;
  signupUrl?: string;
}

/** A model as the catalog publishes it, with this gateway's live measurements (null before its first call). */
interface CatalogModel {
  id: string;
  provider: string;
  name: string;
  active: boolean;
  reason?: string;
  capabilities: ModelConfig['capabilities'];
  contextWindow: number;
  maxOutputTokens?: number;
  quality: number;
  speed: number;
  costPer1M: ModelConfig['costPer1M'];
  /** Costs nothing on this provider's tier (price 0 in and out). */
  free: boolean;
  stats: ModelStats | null;
  pruned?: { until: number; reason: string };
  /** Embedding models: their vectors' default length and the family (vector space) they write to. */
  dimensions?: number;
  family?: string;
  /** Found in the provider's own listing rather than written in the catalog or the config. */
  discovered?: boolean;
  /** The day it left the provider's listing (not routed to since). */
  retiredAt?: string;
  /** The day the provider shuts it down, as its listing says (it leaves the plan that day). */
  shutdownAt?: string;
}

/**
 * The catalog route. A client key limited to some models sees those models (when they serve) and their providers
 * only; the admin, or anyone with auth off, sees every provider and model of the catalog and the config, on or off.
 */
export function catalogRoutes(deps: Pick<AppDeps, 'settings' | 'registry' | 'stats' | 'clientKeys' | 'now'>): Router {
  const router = Router();
  router.get('/v1/catalog', (_req, res) => {
    const { registry } = deps;
    const caller = callerOf(res);
    const allows = allowedModels(deps.clientKeys, caller);
    const shown = (ref: string) =>
      caller.kind === 'client' ? registry.byRef.has(ref) && (allows === undefined || allows(ref)) : true;
    const now = deps.now();
    const models: CatalogModel[] = [];
    const providers: CatalogProvider[] = [];
    for (const entry of deps.settings.state().providers) {
      const resolved = registry.providers.find((p) => p.id === entry.id);
      const own = (entry.models ?? []).filter((m) => shown(`${entry.id}/${m.id}`));
      if (own.length === 0 && caller.kind === 'client') continue;
      const disabled = registry.disabled.find((d) => d.id === entry.id)?.reason;
      providers.push({
        id: entry.id,
        name: entry.name ?? entry.id,
        active: resolved !== undefined,
        ...(resolved === undefined && disabled !== undefined ? { reason: disabled } : {}),
        limits: entry.limits ?? {},
        keys: resolved?.keys.length ?? 0,
        ...(entry.signupUrl === undefined ? {} : { signupUrl: entry.signupUrl }),
      });
      for (const model of own) models.push(modelOf(entry, model, deps, now, disabled));
    }
    res.json({ object: 'list', data: models, providers });
  });
  return router;
}

function modelOf(
  entry: ProviderEntry,
  model: ModelConfig,
  deps: Pick<AppDeps, 'registry' | 'stats'>,
  now: number,
  providerOff: string | undefined,
): CatalogModel {
  const ref = `${entry.id}/${model.id}`;
  const active = deps.registry.byRef.has(ref);
  const off =
    deps.registry.switchedOff.get(ref) ?? (providerOff === undefined ? undefined : `its provider: ${providerOff}`);
  const pruned = deps.stats?.pruned(ref, now);
  return {
    id: ref,
    provider: entry.id,
    name: model.name ?? model.id,
    active,
    ...(active || off === undefined ? {} : { reason: off }),
    capabilities: model.capabilities,
    contextWindow: model.contextWindow,
    ...(model.maxOutputTokens === undefined ? {} : { maxOutputTokens: model.maxOutputTokens }),
    quality: model.quality,
    speed: model.speed,
    costPer1M: model.costPer1M,
    free: model.costPer1M.input === 0 && model.costPer1M.output === 0,
    stats: deps.stats?.get(ref) ?? null,
    ...(pruned === undefined ? {} : { pruned }),
    ...(model.dimensions === undefined ? {} : { dimensions: model.dimensions, family: model.family ?? ref }),
    ...(model.discovered === true ? { discovered: true } : {}),
    ...(model.retiredAt === undefined ? {} : { retiredAt: model.retiredAt }),
    ...(model.shutdownAt === undefined ? {} : { shutdownAt: model.shutdownAt }),
  };
}
