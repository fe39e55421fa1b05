// GET /v1/me: who the caller is to this gateway (admin, a client key, or anonymous) and whether auth is required,
// so a client (the console) can choose its view without trying admin endpoints.
import { Router } from 'express';
import type { ClientKeys } from '../../accounts/client-keys.js';
import { callerOf } from '../middleware/client-auth.js';

export function meRoutes(deps: { clientKeys: ClientKeys; adminKey: string | undefined }): Router {
  const router = Router();
  router.get('/v1/me', (_req, res) => {
    const caller = callerOf(res);
    res.json({
      role: caller.kind,
      auth_required: deps.clientKeys.authRequired(),
      admin_api: deps.adminKey !== undefined,
      ...(caller.kind === 'client'
        ? {
            client_key: {
              id: caller.client.id,
              name: caller.client.name,
              models: caller.client.models ?? null,
            },
          }
        : {}),
    });
  });
  return router;
}
