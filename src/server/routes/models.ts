// GET /v1/models (every enabled model as provider/model, plus auto) and GET /v1/models/{id}.
import { Router, type Response } from 'express';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import { notFound } from '../../errors.js';
import { AUTO_MODEL } from '../../routing/plan.js';
import type { AppDeps } from '../deps.js';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function modelRoutes(deps: AppDeps): Router {
  const router = Router();
  /** The models the caller may use: a client key limited to some models sees only those. */
  const list = (res: Response): ModelObject[] => {
    const allows = allowedModels(deps.clientKeys, callerOf(res));
    const models = allows === undefined ? deps.registry.models : deps.registry.models.filter((m) => allows(m.ref));
    return [
      { id: AUTO_MODEL, object: 'model', created: deps.startedAt, owned_by: 'switchboard' },
      ...models.map((m) => ({ id: m.ref, object: 'model' as const, created: deps.startedAt, owned_by: m.provider.id })),
    ];
  };
  router.get('/v1/models', (_req, res) => {
    res.json({ object: 'list', data: list(res) });
  });
  router.get('/v1/models/*id', (req, res) => {
    const id = (req.params as { id: string[] }).id.join('/');
    const model = list(res).find((m) => m.id === id);
    if (!model) throw notFound(`The model '${id}' does not exist`, 'model_not_found', 'model');
    res.json(model);
  });
  return router;
}
