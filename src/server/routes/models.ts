// GET /v1/models (every enabled model as provider/model, plus auto), GET /v1/models/{id}, and GET /health.
import { Router } from 'express';
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
  const list = (): ModelObject[] => [
    { id: AUTO_MODEL, object: 'model', created: deps.startedAt, owned_by: 'switchboard' },
    ...deps.registry.models.map((m) => ({ id: m.ref, object: 'model' as const, created: deps.startedAt, owned_by: m.provider.id })),
  ];
  router.get('/v1/models', (_req, res) => {
    res.json({ object: 'list', data: list() });
  });
  router.get('/v1/models/*id', (req, res) => {
    const id = (req.params as { id: string[] }).id.join('/');
    const model = list().find((m) => m.id === id);
    if (!model) throw notFound(`The model '${id}' does not exist`, 'model_not_found', 'model');
    res.json(model);
  });
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', providers: deps.registry.providers.length, models: deps.registry.models.length });
  });
  return router;
}
