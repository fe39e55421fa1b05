// createApp(deps): the express app with every route and the error handler. It never listens.
import express, { type Express } from 'express';
import { listPriceOfRef } from '../catalog/list-price.js';
import type { AppDeps } from './deps.js';
import { frontMiddleware } from './front.js';
import { errorHandler, unknownRoute } from './middleware/errors.js';
import { adminCatalogProposalRoutes } from './routes/admin-catalog-proposals.js';
import { adminCatalogRoutes } from './routes/admin-catalog.js';
import { adminClientKeyRoutes } from './routes/admin-client-keys.js';
import { adminKeyRoutes } from './routes/admin-keys.js';
import { adminSettingsRoutes } from './routes/admin-settings.js';
import { adminStatusRoutes } from './routes/admin-status.js';
import { agentRoutes } from './routes/agents.js';
import { catalogRoutes } from './routes/catalog.js';
import { chatRoutes } from './routes/chat.js';
import { consoleRoutes } from './routes/console.js';
import { contextualChatRoutes } from './routes/contextual-chat.js';
import { embeddingRoutes } from './routes/embeddings.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { messagesErrors, messagesRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models.js';
import { requestRoutes } from './routes/requests.js';
import { responsesRoutes } from './routes/responses.js';
import { routingRoutes } from './routes/routing.js';
import { runRoutes } from './routes/runs.js';
import { usageRoutes } from './routes/usage.js';

export type { AppDeps } from './deps.js';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags would hash every completion body for nothing: answers are never cached by clients.
  app.set('etag', false);
  const front = frontMiddleware(deps);
  app.use(front.metrics);
  // Auth before the body is parsed: a caller without a key learns nothing about its body.
  app.use('/v1', front.auth);
  app.use(front.json);
  // The request doors first: express tries routers in order. The server puts the lean door (hot-path.ts) in front of
  // their common form (POST, exact path); these routes still serve the rest (a trailing slash, other letter case).
  app.use(chatRoutes(deps));
  app.use(responsesRoutes(deps));
  app.use(messagesRoutes(deps));
  app.use(embeddingRoutes(deps));
  app.use(metricsRoutes(deps.metrics));
  app.use(modelRoutes(deps));
  app.use(catalogRoutes(deps));
  app.use(healthRoutes(deps));
  app.use(contextualChatRoutes(deps));
  app.use(routingRoutes(deps));
  app.use(agentRoutes(deps));
  app.use(usageRoutes({ usage: deps.usage, now: deps.now, priceOf: (model) => listPriceOfRef(deps.registry, model) }));
  app.use(requestRoutes({ requests: deps.requests }));
  app.use(runRoutes(deps));
  app.use(adminKeyRoutes({ keys: deps.keyAdmin, adminKey: deps.adminKey }));
  app.use(adminClientKeyRoutes({ clientKeys: deps.clientKeys, adminKey: deps.adminKey }));
  app.use(adminSettingsRoutes({ settings: deps.settings, registry: deps.registry, adminKey: deps.adminKey }));
  app.use(adminCatalogRoutes({ catalogSync: deps.catalogSync, adminKey: deps.adminKey }));
  app.use(meRoutes({ clientKeys: deps.clientKeys, adminKey: deps.adminKey }));
  if (deps.proposals !== undefined)
    app.use(adminCatalogProposalRoutes({ proposals: deps.proposals, adminKey: deps.adminKey }));
  if (deps.consoleDir !== undefined) app.use(consoleRoutes(deps.consoleDir));
  app.use(
    adminStatusRoutes({
      sources: {
        ...deps.status,
        registry: deps.registry,
        keyAdmin: deps.keyAdmin,
        usage: deps.usage,
        requests: deps.requests,
        now: deps.now,
      },
      adminKey: deps.adminKey,
    }),
  );
  app.use(unknownRoute);
  app.use('/v1/messages', messagesErrors(deps.logger));
  app.use(errorHandler(deps.logger));
  return app;
}
