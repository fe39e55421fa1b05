// classify node: labels the request (task, needs, size) and matches it against the routing rules, once per run.
import { labelRequest } from '../../../src/routing/route-context.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function classifyNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'classification' | 'rule'> {
  return labelRequest(context.input.request, deps.routing.rules);
}
