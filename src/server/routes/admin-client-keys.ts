// /admin/client-keys: create (the key shown this once), list and revoke gateway client keys; admin key only.
import { Router } from 'express';
import { z } from 'zod';
import type { ClientKeys } from '../../accounts/client-keys.js';
import type { ClientKeyInfo } from '../../accounts/types.js';
import { formatPath } from '../../config/load.js';
import { badRequest, notFound } from '../../errors.js';
import { requireAdmin } from '../middleware/admin-auth.js';

/** What the client-key admin routes need. */
export interface AdminClientKeyDeps {
  clientKeys: ClientKeys;
  /** SWITCHBOARD_ADMIN_KEY; the routes answer 404 without it. */
  adminKey: string | undefined;
}

const positiveInt = z.number().int().positive().optional();
const CreateBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  // At least one model: an empty list would make a key that can call nothing.
  models: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'must list at least one model').optional(),
  rpm: positiveInt,
  dailyTokens: positiveInt,
});

/**
 * A key as the admin API shows it: every field present (null when unset), `created` in seconds like OpenAI's objects.
 */
function clientKeyView(info: ClientKeyInfo) {
  return {
    id: info.id,
    object: 'client_key' as const,
    name: info.name,
    models: info.models ?? null,
    rpm: info.rpm ?? null,
    dailyTokens: info.dailyTokens ?? null,
    created: Math.floor(info.createdAt / 1000),
  };
}

/** POST, GET /admin/client-keys and DELETE /admin/client-keys/:id, all behind requireAdmin. */
export function adminClientKeyRoutes(deps: AdminClientKeyDeps): Router {
  const router = Router();
  const admin = requireAdmin(deps.adminKey);
  router.post('/admin/client-keys', admin, async (req, res) => {
    const created = await deps.clientKeys.create(parseCreateBody(req.body));
    res.status(201).json({ ...clientKeyView(created), key: created.key });
  });
  router.get('/admin/client-keys', admin, async (_req, res) => {
    res.json({ object: 'list', data: (await deps.clientKeys.list()).map(clientKeyView) });
  });
  router.delete('/admin/client-keys/:id', admin, async (req, res) => {
    const { id } = req.params as { id: string };
    if (!(await deps.clientKeys.revoke(id)))
      throw notFound(`No client key with id '${id}'`, 'client_key_not_found', 'id');
    res.json({ id, object: 'client_key', deleted: true });
  });
  return router;
}

function parseCreateBody(body: unknown): z.infer<typeof CreateBody> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  const result = CreateBody.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatPath(issue.path);
  throw badRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null);
}
