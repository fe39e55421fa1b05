// GET /metrics: the gateway's Prometheus metrics, in the text exposition format.
import { Router } from 'express';
import type { Metrics } from '../metrics.js';

/** Serves `GET /metrics` from `metrics.registry`, with the registry's own content type. */
export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.setHeader('content-type', metrics.registry.contentType);
    // Scrapes must see fresh values, never a proxy's copy.
    res.setHeader('cache-control', 'no-store');
    res.send(body);
  });
  return router;
}
