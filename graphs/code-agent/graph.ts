// The coding agent graph: agent ⇄ tools until the model answers without tool calls or the step limit. Wiring only.
import { END, START, StateGraph } from '@langchain/langgraph';
import type { CodeAgentDeps } from './context.js';
import { routeAfterAgent, routeAfterTools } from './edges.js';
import { createAgentNode } from './nodes/agent.js';
import { createStepLimitNode } from './nodes/limit.js';
import { observeNode } from './nodes/observe.js';
import { createToolsNode } from './nodes/tools.js';
import { CodeAgentState } from './state.js';

/**
 * Builds and compiles the agent graph with `deps.checkpointer`. Run it with
 * `configurable: { thread_id, [RUN_CONTEXT_KEY]: AgentRunContext }` (see service.ts).
 */
export function buildCodeAgentGraph(deps: CodeAgentDeps) {
  return new StateGraph(CodeAgentState)
    .addNode('agent', observeNode('agent', createAgentNode(deps)))
    .addNode('tools', observeNode('tools', createToolsNode()))
    .addNode('step_limit', createStepLimitNode(deps.maxSteps))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', (state) => routeAfterAgent(state, deps.maxSteps), ['tools', 'step_limit', END])
    .addConditionalEdges('tools', routeAfterTools, ['tools', 'agent', END])
    .addEdge('step_limit', END)
    .compile({ checkpointer: deps.checkpointer });
}

/** The compiled agent graph. */
export type CodeAgentGraph = ReturnType<typeof buildCodeAgentGraph>;
