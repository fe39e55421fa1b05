// The step-limit node: ends a run that used its model calls, answering the calls it will not make.
import { pendingToolCalls } from '../edges.js';
import type { CodeAgentUpdate, CodeAgentValues } from '../state.js';
import { reply } from './tools.js';

/**
 * Builds the node the agent goes to when the model still calls tools after `maxSteps` model calls. The unanswered
 * calls get a result saying they were not run, so the conversation stays valid for the next invoke.
 */
export function createStepLimitNode(maxSteps: number) {
  return (state: CodeAgentValues): CodeAgentUpdate => ({
    messages: pendingToolCalls(state.messages).map((call) => reply(call, 'Not run: the run reached its step limit.', 'error')),
    error: {
      code: 'step_limit',
      message: `The agent reached its step limit (${maxSteps} model calls in one run) before finishing. Invoke the thread again to let it continue.`,
    },
  });
}
