// GET /admin/status: the gateway at a glance (providers, circuits, keys, free-tier headroom, live figures); admin only.
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { requireAdmin } from '../middleware/admin-auth.js';
import { readStatus, type StatusSources } from '../status/snapshot.js';

/** What the status route needs. */
export interface AdminStatusDeps {
  sources: StatusSources;
  /** SWITCHBOARD_ADMIN_KEY; the route answers 404 without it. */
  adminKey: string | undefined;
}

const MINUTES = 'must be a whole number of minutes from 1 to 60';

/** The live figures' window: 5 minutes unless `minutes` says otherwise (1 to 60). */
const StatusQuery = z.strictObject({
  minutes: z
    .string({ error: MINUTES })
    .regex(/^\d{1,2}$/, MINUTES)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 60, MINUTES)
    .optional()
    .default(5),
});

/** `GET /admin/status?minutes=5` → the StatusSnapshot of src/server/status/types.ts. */
export function adminStatusRoutes(deps: AdminStatusDeps): Router {
  const router = Router();
  router.use('/admin/status', requireAdmin(deps.adminKey));
  router.get('/admin/status', async (req, res) => {
    const query = StatusQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0]!;
      const param = String(issue.path[0] ?? '');
      const message = issue.code === 'unrecognized_keys' ? `Unknown parameter: only 'minutes' is taken` : issue.message;
      throw badRequest(`Invalid query${param ? ` '${param}'` : ''}: ${message}`, param || null);
    }
    res.json(await readStatus(deps.sources, query.data.minutes));
  });
  return router;
}
