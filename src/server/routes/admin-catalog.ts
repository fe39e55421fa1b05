// POST /admin/catalog/sync (discovery now) and GET /admin/catalog/changes (what discovery found, with dates). Admin key only.
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parseBody } from '../body.js';
import type { CatalogSync } from '../discovery/catalog-sync.js';
import { requireAdmin } from '../middleware/admin-auth.js';

export interface AdminCatalogDeps {
  catalogSync: CatalogSync | undefined;
  /** SWITCHBOARD_ADMIN_KEY; unset: the routes answer 404. */
  adminKey: string | undefined;
}

const ChangesQuery = z.strictObject({
  /** Changes from this moment on: ms since the epoch, or an ISO date. */
  since: z
    .string()
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : Date.parse(value)))
    .refine((value) => Number.isFinite(value), 'must be ms since the epoch or an ISO date')
    .optional(),
  limit: z.coerce.number().int().positive().max(2_000).default(200),
});

/** The discovery routes; without discovery (a gateway built without it) they answer 404 as unknown routes do. */
export function adminCatalogRoutes(deps: AdminCatalogDeps): Router {
  const router = Router();
  const admin = requireAdmin(deps.adminKey);
  const sync = (): CatalogSync => {
    if (deps.catalogSync === undefined) throw notFound('model discovery is not running');
    return deps.catalogSync;
  };
  router.post('/admin/catalog/sync', admin, async (_req, res) => {
    res.json(await sync().syncNow());
  });
  router.get('/admin/catalog/changes', admin, async (req, res) => {
    const { since, limit } = parseBody(ChangesQuery, req.query);
    const changes = await sync().changes(since);
    res.json({ object: 'list', data: changes.slice(0, limit) });
  });
  return router;
}
