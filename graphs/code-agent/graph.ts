// The coding agent graph: agent ⇄ tools until the model answers without tool calls or a limit ends the run. Wiring
// only.
import { END, START, StateGraph } from '@langchain/langgraph';
import type { CodeAgentDeps } from './context.js';
import { routeAfterAgent, routeAfterTools } from './edges.js';
import { DEFAULT_MAX_TOKENS_PER_RUN, tokenBudgetOf } from './limits.js';
import { createAgentNode } from './nodes/agent.js';
import { createStepLimitNode, createTokenBudgetNode } from './nodes/limit.js';
import { observeNode } from './nodes/observe.js';
import { createToolsNode } from './nodes/tools.js';
import { CodeAgentState } from './state.js';

/**
 * Builds and compiles the agent graph with `deps.checkpointer`. Run it with
 * `configurable: { thread_id, [RUN_CONTEXT_KEY]: AgentRunContext }` (see threads/service.ts).
 */
export function buildCodeAgentGraph(deps: CodeAgentDeps) {
  const maxTokensPerRun = deps.maxTokensPerRun ?? DEFAULT_MAX_TOKENS_PER_RUN;
  return new StateGraph(CodeAgentState)
    .addNode('agent', observeNode('agent', createAgentNode(deps)))
    .addNode('tools', observeNode('tools', createToolsNode()))
    .addNode('step_limit', createStepLimitNode(deps.maxSteps))
    .addNode('token_budget', createTokenBudgetNode(maxTokensPerRun))
    .addEdge(START, 'agent')
    .addConditionalEdges(
      'agent',
      (state) => routeAfterAgent(state, deps.maxSteps, tokenBudgetOf(state.request, maxTokensPerRun)),
      ['tools', 'step_limit', 'token_budget', END],
    )
    .addConditionalEdges('tools', routeAfterTools, ['tools', 'agent', END])
    .addEdge('step_limit', END)
    .addEdge('token_budget', END)
    .compile({ checkpointer: deps.checkpointer });
}

/** The compiled agent graph. */
export type CodeAgentGraph = ReturnType<typeof buildCodeAgentGraph>;
