// GET /v1/runs/{run_id}: what a finished run did (classification, plan, attempts, ensemble), to its client or an admin.
import { Router } from 'express';
import { notFound } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { callerOf } from '../middleware/client-auth.js';

export function runRoutes(deps: Pick<AppDeps, 'runs'>): Router {
  const router = Router();
  router.get('/v1/runs/:run_id', async (req, res) => {
    const runId = req.params['run_id']!;
    const record = await deps.runs.get(runId);
    const caller = callerOf(res);
    // Another client's run is as absent as one that never was: run ids leak nothing.
    if (record === undefined || (caller.kind === 'client' && record.client !== caller.client.id)) {
      throw notFound(`No finished run '${runId}' (records are kept for events.retentionMs)`, 'run_not_found', 'run_id');
    }
    res.json(record);
  });
  return router;
}
