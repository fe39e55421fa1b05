// GET /v1/models (every enabled model as provider/model, plus auto) and GET /v1/models/{id}: OpenAI's model object,
// with what the catalog says of each model besides (capabilities, context window, price, the endpoints that serve it,
// an embedding model's dimensions), as OpenRouter's list does.
import { Router, type Response } from 'express';
import { isEmbeddingModel } from '../../catalog/embedding-models.js';
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
  /** The API paths that serve the model. */
  endpoints: readonly string[];
  /** Embedding models: the length of their vectors by default. */
  dimensions?: number;
}

/** The doors every chat model is served by: chat completions, the Responses API, Anthropic's Messages. */
const CHAT_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/messages'] as const;
const EMBEDDING_ENDPOINTS = ['/v1/embeddings'] as const;

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
    ...(isEmbeddingModel(model)
      ? {
          endpoints: EMBEDDING_ENDPOINTS,
          ...(config.dimensions === undefined ? {} : { dimensions: config.dimensions }),
        }
      : { endpoints: CHAT_ENDPOINTS }),
  };
}

export function modelRoutes(deps: AppDeps): Router {
  const router = Router();
  /** The models the caller may use: a client key limited to some models sees only those. */
  const list = (res: Response): ModelObject[] => {
    const allows = allowedModels(deps.clientKeys, callerOf(res));
    const models = allows === undefined ? deps.registry.models : deps.registry.models.filter((m) => allows(m.ref));
    return [
      // `auto` is routed on every door: among chat models on the chat doors, to an embedding model on /v1/embeddings.
      {
        id: AUTO_MODEL,
        object: 'model',
        created: deps.startedAt,
        owned_by: 'switchboard',
        endpoints: [...CHAT_ENDPOINTS, ...EMBEDDING_ENDPOINTS],
      },
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
