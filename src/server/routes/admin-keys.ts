// The admin key API: add, list, remove and validate provider keys at run time. No response or error ever holds a key.
import { Router } from 'express';
import { z } from 'zod';
import { maskSecret } from '../../mask-secret.js';
import { providerKeyProblem } from '../../accounts/secrets.js';
import type { KeyAdmin, KeyInfo } from '../../accounts/types.js';
import { badRequest, GatewayError, notFound } from '../../errors.js';
import { requireAdmin } from '../middleware/admin-auth.js';

export interface AdminKeyRoutesDeps {
  keys: KeyAdmin;
  /** SWITCHBOARD_ADMIN_KEY; unset: the routes answer 404. */
  adminKey: string | undefined;
}

// Messages are fixed strings: zod's defaults are safe today, but a key must not reach an error by any future default.
const AddKeyBody = z.object({
  provider: z.string({ error: 'must be a provider id' }).trim().min(1, { error: 'must be a provider id' }),
  // A key goes into an HTTP header: printable ASCII without spaces, of a sane length, else it could never work (or
  // could split headers, or make every call too large to be taken).
  key: z
    .string({ error: 'must be the key, as a string' })
    .trim()
    .superRefine((key, ctx) => {
      const problem = providerKeyProblem(key);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

const KEY_ID = /^key_[0-9a-f]{12}$/;

/**
 * `POST /admin/keys` (`{provider, key}` → 201 with the key's info, masked), `GET /admin/keys`,
 * `DELETE /admin/keys/{id}`, `POST /admin/keys/{id}/validate`, `GET /admin/keys/providers` (every provider a key can
 * be added for, with where to get one) and `GET /admin/vault` (can keys be stored, what the vault holds), all behind
 * the admin key.
 */
export function adminKeyRoutes(deps: AdminKeyRoutesDeps): Router {
  const { keys } = deps;
  const router = Router();
  // Scoped to the path: this router is mounted at the root, and must not guard anyone else's routes.
  const admin = requireAdmin(deps.adminKey);
  router.use('/admin/keys', admin);
  router.get('/admin/vault', admin, async (_req, res) => {
    res.json(await keys.vault());
  });
  router.get('/admin/keys/providers', (_req, res) => {
    res.json({ object: 'list', data: keys.providers() });
  });
  router.post('/admin/keys', async (req, res) => {
    const { provider, key } = parseAddBody(req.body);
    const info = await scrubbed(key, () => keys.add(provider, key));
    res.status(201).json(publicInfo(info));
  });
  router.get('/admin/keys', async (_req, res) => {
    res.json({ object: 'list', data: (await keys.list()).map(publicInfo) });
  });
  router.delete('/admin/keys/:id', async (req, res) => {
    const id = keyId(req.params['id']);
    if (!(await keys.remove(id))) throw notFound(`There is no run-time key ${id}`, 'key_not_found', 'id');
    res.json({ id, deleted: true });
  });
  router.post('/admin/keys/:id/validate', async (req, res) => {
    const result = await keys.validate(keyId(req.params['id']));
    res.json({
      ...publicInfo(result),
      ok: result.ok,
      ...(result.message === undefined ? {} : { message: result.message }),
    });
  });
  return router;
}

function parseAddBody(body: unknown): { provider: string; key: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object: {"provider": "...", "key": "..."}', null, 'invalid_body');
  }
  const result = AddKeyBody.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = String(issue.path[0] ?? '');
  throw badRequest(`Invalid value for '${param}': ${issue.message}`, param || null);
}

/** An id from the path, refused (404, without echoing it) when it is not shaped like one: it might be a pasted key. */
function keyId(id: string | undefined): string {
  if (id === undefined || !KEY_ID.test(id))
    throw notFound('There is no key with this id (ids look like key_0123456789ab)', 'key_not_found', 'id');
  return id;
}

/** Only KeyInfo's own fields: whatever else an implementation's object carries (a secret, by mistake) stays here. */
function publicInfo(info: KeyInfo): KeyInfo {
  const { id, provider, masked, source, status, reason, until, uses, learnedLimits } = info;
  return {
    id,
    provider,
    masked,
    source,
    status,
    uses,
    ...(reason === undefined ? {} : { reason }),
    ...(until === undefined ? {} : { until }),
    ...(learnedLimits === undefined ? {} : { learnedLimits }),
  };
}

/** Runs `action`, masking `key` in any GatewayError it throws (others become a generic 500 anyway). */
async function scrubbed<T>(key: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof GatewayError) || !err.message.includes(key)) throw err;
    throw new GatewayError(err.message.split(key).join(maskSecret(key)), {
      status: err.status,
      type: err.type,
      code: err.code,
      param: err.param,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    });
  }
}
