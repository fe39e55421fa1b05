// GET /v1/models (every enabled model as provider/model, plus auto) and GET /v1/models/{id}: OpenAI's model object,
// with what the catalog says of each model besides (capabilities, context window, price), as OpenRouter's list does.
import { Router, type Response } from 'express';
import type { ResolvedModel } from '../../catalog/types.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import { notFound } from '../../errors.js';
import { AUTO_MODEL } from '../../routing/plan.js';
import type { AppDeps } from '../deps.js';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** The catalog's fields; absent from `auto`. */
  name?: string;
  capabilities?: string[];
  context_window?: number;
  max_output_tokens?: number;
  /** USD per million tokens, as the key in use pays (0 on a free tier). */
  pricing?: { input: number; output: number };
  /** Costs nothing with the keys the gateway has. */
  free?: boolean;
}

/** A model's object: OpenAI's fields, then the catalog's. */
function modelObject(model: ResolvedModel, created: number): ModelObject {
  const { config } = model;
  return {
    id: model.ref,
    object: 'model',
    created,
    owned_by: model.provider.id,
    ...(config.name === undefined ? {} : { name: config.name }),
    capabilities: config.capabilities,
    context_window: config.contextWindow,
    ...(config.maxOutputTokens === undefined ? {} : { max_output_tokens: config.maxOutputTokens }),
    pricing: { ...config.costPer1M },
    free: config.costPer1M.input === 0 && config.costPer1M.output === 0,
  };
}

export function modelRoutes(deps: AppDeps): Router {
  const router = Router();
  /** The models the caller may use: a client key limited to some models sees only those. */
  const list = (res: Response): ModelObject[] => {
    const allows = allowedModels(deps.clientKeys, callerOf(res));
    const models = allows === undefined ? deps.registry.models : deps.registry.models.filter((m) => allows(m.ref));
    return [
      { id: AUTO_MODEL, object: 'model', created: deps.startedAt, owned_by: 'switchboard' },
      ...models.map((m) => modelObject(m, deps.startedAt)),
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
