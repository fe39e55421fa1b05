// classify node: labels the request (task, needs, size) for the router.
import { classify } from '../../../src/routing/classifier/classify.js';
import type { ChatContext } from '../context.js';

export function classifyNode(context: ChatContext): Pick<ChatContext, 'classification'> {
  return { classification: classify(context.input.request) };
}
