// classify node: labels the request (task, needs, size; complexity learnt from the live stats) and matches it against
// the routing rules, once per run.
import { labelRequest } from '../../../src/routing/route-context.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function classifyNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'classification' | 'rule'> {
  const config = deps.routing.complexity;
  const learning = config === undefined ? undefined : { config, models: deps.registry.models, stats: deps.stats };
  return labelRequest(context.input.request, deps.routing.rules, learning);
}
