// The limit nodes: end a run that used its model calls or its token budget, answering the calls it will not make.
import { pendingToolCalls } from '../edges.js';
import { notRunText, stepLimitFailure, tokenBudgetFailure, tokenBudgetOf } from '../limits.js';
import type { AgentFailure, CodeAgentUpdate, CodeAgentValues } from '../state.js';
import { reply } from './tools.js';

/**
 * Ends the run with `failure`; the unanswered calls get a result saying they were not run, so the conversation stays
 * valid for the next invoke.
 */
function endRun(state: CodeAgentValues, failure: AgentFailure): CodeAgentUpdate {
  return {
    messages: pendingToolCalls(state.messages).map((call) => reply(call, notRunText(failure), 'error')),
    error: failure,
  };
}

/** Builds the node the agent goes to when the model still calls tools after `maxSteps` model calls. */
export function createStepLimitNode(maxSteps: number) {
  return (state: CodeAgentValues): CodeAgentUpdate => endRun(state, stepLimitFailure(maxSteps));
}

/**
 * Builds the node the agent goes to when the model still calls tools after the run's model calls used its token
 * budget (`maxTokensPerRun`, or the request's lower `max_tokens_per_run`).
 */
export function createTokenBudgetNode(maxTokensPerRun: number) {
  return (state: CodeAgentValues): CodeAgentUpdate =>
    endRun(state, tokenBudgetFailure(tokenBudgetOf(state.request, maxTokensPerRun), state.tokens ?? 0));
}
