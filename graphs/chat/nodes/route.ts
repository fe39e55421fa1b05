// route node: the ordered plan of models to try, or the error that no model can serve the request.
import { GatewayError } from '../../../src/errors.js';
import { planRoute } from '../../../src/routing/plan.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function routeNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'plan' | 'error'> {
  try {
    return { plan: planRoute(deps.registry, context.input.route, context.classification!) };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err };
    throw err;
  }
}
