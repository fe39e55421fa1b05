// route node: the ordered plan of models to try, or the error that no model can serve the request.
import { GatewayError } from '../../../src/errors.js';
import { planRoute } from '../../../src/routing/plan.js';
import type { ChatContext, ChatDeps } from '../context.js';

export function routeNode(deps: ChatDeps, context: ChatContext): Pick<ChatContext, 'plan' | 'error'> {
  try {
    const plan = planRoute(deps.registry, context.input.route, context.classification!);
    context.input.emitter.emit('route_decided', 'route', () => ({
      mode: plan.mode,
      task: context.classification!.task,
      plan: plan.candidates.map((c) => ({ model: c.model.ref, score: c.score, reasons: c.reasons })),
      skipped: plan.skipped,
    }));
    return { plan };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err };
    throw err;
  }
}
