// classify node: labels the request (task, needs, size; complexity learnt from the live stats) and matches it against
// the routing rules, once per run.
import type { ComplexityContext } from '../../../src/routing/learned-complexity.js';
import { labelRequest } from '../../../src/routing/route-context.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function classifyNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'classification' | 'rule'> {
  return labelRequest(context.input.request, deps.routing.rules, complexityContext(deps));
}

/** What complexity learns from: the config's `complexity:` section (absent in a bare test config), models, stats. */
export function complexityContext(deps: ChatDeps): ComplexityContext | undefined {
  const config = deps.routing.complexity;
  return config === undefined ? undefined : { config, registry: deps.registry, stats: deps.stats };
}
