// route node: the ordered plan of models to try, or the error that no model can serve the request.
import { GatewayError } from '../../../src/errors.js';
import { banditOf } from '../../../src/routing/bandit.js';
import { planRequest, type RouterView } from '../../../src/routing/route-context.js';
import type { ChatContext, ChatDeps } from '../context.js';

/** The live gateway as the router sees it: the key pool's availability and headroom, the live stats. */
export function routerViewOf(deps: ChatDeps): RouterView {
  const { keys } = deps;
  return {
    availability: (provider) => keys.unavailable(provider),
    headroom: (provider) => keys.headroom(provider),
    stats: deps.stats,
    // One sampler per gateway: seeded by the config, its draws follow each other across requests.
    bandit: banditOf(deps.routing.bandit),
    complexitySpan: deps.routing.complexity.span,
    now: deps.now,
  };
}

/** Plans with the classification and rule of the classify node (the request is never matched twice). */
export function routeNode(deps: ChatDeps, view: RouterView, context: ChatContext): Pick<ChatContext, 'plan' | 'error'> {
  const { request, route } = context.input;
  try {
    const input = { model: request.model, route, classification: context.classification!, rule: context.rule };
    return { plan: planRequest(deps.registry, input, view) };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err };
    throw err;
  }
}
