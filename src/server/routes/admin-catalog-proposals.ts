// /admin/catalog/proposals: what community lists (`discovery.sources`) propose for the catalog, to accept or dismiss;
// admin key only. Accepting enables nothing: the answer carries the config entry to add.
import { Router } from 'express';
import type { CatalogProposals } from '../../catalog/proposals.js';
import { notFound } from '../../errors.js';
import { requireAdmin } from '../middleware/admin-auth.js';

/** What the proposal routes need. */
export interface AdminCatalogProposalDeps {
  proposals: CatalogProposals;
  /** SWITCHBOARD_ADMIN_KEY; the routes answer 404 without it. */
  adminKey: string | undefined;
}

/** GET /admin/catalog/proposals, POST .../refresh, POST .../{id}/accept and .../{id}/dismiss. */
export function adminCatalogProposalRoutes(deps: AdminCatalogProposalDeps): Router {
  const router = Router();
  const admin = requireAdmin(deps.adminKey);
  router.get('/admin/catalog/proposals', admin, async (_req, res) => {
    res.json({ object: 'list', data: await deps.proposals.list() });
  });
  router.post('/admin/catalog/proposals/refresh', admin, async (_req, res) => {
    res.json(await deps.proposals.refresh());
  });
  for (const [verb, status] of [
    ['accept', 'accepted'],
    ['dismiss', 'dismissed'],
  ] as const) {
    router.post(`/admin/catalog/proposals/:id/${verb}`, admin, async (req, res) => {
      const { id } = req.params as { id: string };
      const decided = await deps.proposals.decide(id, status);
      if (decided === undefined)
        throw notFound(
          'There is no proposal with this id (see GET /admin/catalog/proposals)',
          'proposal_not_found',
          'id',
        );
      res.json(decided);
    });
  }
  return router;
}
