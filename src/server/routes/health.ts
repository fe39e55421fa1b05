// GET /health (as it always answered), /health/live (the process serves HTTP) and /health/ready (it can serve
// requests: a provider usable and every store reachable), for load balancers and orchestrators.
import { Router } from 'express';
import type { AppDeps } from '../deps.js';

/** How long /health/ready waits for the stores before it calls them unreachable. */
const STORE_CHECK_MS = 2_000;

type HealthDeps = Pick<AppDeps, 'registry' | 'availability' | 'checkStores' | 'shutdown'>;

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', providers: deps.registry.providers.length, models: deps.registry.models.length });
  });
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // 503 until it can serve: no provider can take a call (none enabled, every key resting, every circuit open), or a
  // store does not answer; and 503 again once it is stopping (SIGTERM), so that a balancer sends it nothing new. The
  // body says which, with counts only: it is served without auth.
  router.get('/health/ready', async (_req, res) => {
    if (deps.shutdown?.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const enabled = deps.registry.providers;
    const usable = enabled.filter((provider) => deps.availability?.(provider) === undefined).length;
    const reachable = await storesAnswer(deps.checkStores);
    const ready = usable > 0 && reachable;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      providers: { enabled: enabled.length, usable },
      stores: { reachable },
    });
  });
  return router;
}

async function storesAnswer(check: HealthDeps['checkStores']): Promise<boolean> {
  if (check === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_CHECK_MS);
  });
  try {
    return await Promise.race([check().then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
