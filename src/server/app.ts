// createApp(deps): the express app with every route and the error handler. It never listens.
import express, { type Express } from 'express';
import type { AppDeps } from './deps.js';
import { errorHandler, unknownRoute } from './middleware/errors.js';
import { agentRoutes } from './routes/agents.js';
import { chatRoutes } from './routes/chat.js';
import { contextualChatRoutes } from './routes/contextual-chat.js';
import { modelRoutes } from './routes/models.js';

export type { AppDeps } from './deps.js';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags would hash every completion body for nothing: answers are never cached by clients.
  app.set('etag', false);
  app.use(express.json({ limit: deps.config.server.bodyLimit }));
  app.use(modelRoutes(deps));
  app.use(chatRoutes(deps));
  app.use(contextualChatRoutes(deps));
  app.use(agentRoutes(deps));
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
