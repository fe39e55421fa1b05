// /admin/catalog/proposals: what community lists (`discovery.sources`) propose for the catalog, to accept or dismiss;
// admin key only. Accepting adds the entry to the catalog's discovered layer (`added` in the answer): a new provider
// is listed at once and serves once it has a key and a base URL.
import { Router } from 'express';
import { z } from 'zod';
import { PROTOCOLS } from '../../providers/protocols.js';
import { parseBody } from '../body.js';
import type { CatalogProposals } from '../../catalog/proposals.js';
import { notFound } from '../../errors.js';
import { requireAdmin } from '../middleware/admin-auth.js';

/** What the proposal routes need. */
export interface AdminCatalogProposalDeps {
  proposals: CatalogProposals;
  /** SWITCHBOARD_ADMIN_KEY; the routes answer 404 without it. */
  adminKey: string | undefined;
}

/** What an accept may add to a new provider's entry (all optional): what a community list does not say. */
const AcceptBody = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  protocol: z.enum(PROTOCOLS).optional(),
  keyEnv: z
    .union([z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).min(1)])
    .transform((value) => (typeof value === 'string' ? [value] : value))
    .optional(),
  models: z.array(z.string().regex(/^[\w.:/-]{1,200}$/)).optional(),
});

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
      const details = verb === 'accept' ? parseBody(AcceptBody, req.body ?? {}) : undefined;
      const decided = await deps.proposals.decide(id, status, details);
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
