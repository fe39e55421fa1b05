// route node: the ordered plan of models to try, or the error that no model can serve the request.
import { GatewayError } from '../../../src/errors.js';
import { planRoute } from '../../../src/routing/plan.js';
import type { ResolvedProvider } from '../../../src/providers/registry.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function routeNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'plan' | 'error'> {
  try {
    const availability = (provider: ResolvedProvider) => deps.keys.unavailable(provider);
    return { plan: planRoute(deps.registry, context.input.route, context.classification!, availability) };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err };
    throw err;
  }
}
