// route node: the ordered plan of models to try, or the error that no model can serve the request.
import { GatewayError } from '../../../src/errors.js';
import { planRoute, type RouteContext } from '../../../src/routing/plan.js';
import type { ResolvedProvider } from '../../../src/catalog/types.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function routeNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'plan' | 'error'> {
  try {
    const { keys } = deps;
    const routeContext: RouteContext = {
      availability: (provider: ResolvedProvider) => keys.unavailable(provider),
      headroom: (provider: ResolvedProvider) => keys.headroom(provider),
      stats: deps.stats,
      rules: deps.routing.rules,
      now: deps.now(),
    };
    return { plan: planRoute(deps.registry, context.input.route, context.classification!, routeContext) };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err };
    throw err;
  }
}
