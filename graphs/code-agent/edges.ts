// The agent graph's decisions, as pure functions over its state: where to go after each node, and what counts as
// approval.
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { END } from '@langchain/langgraph';
import type { AgentTool, ToolApproval } from '../../tools/define-tool.js';
import type { CodeAgentValues } from './state.js';

/** A tool call the model made and that has no result yet (its id always set). */
export type PendingToolCall = ToolCall & { id: string };

/** The tool calls of the latest model turn that no ToolMessage answers yet, in the order the model made them. */
export function pendingToolCalls(messages: BaseMessage[]): PendingToolCall[] {
  let index = messages.length - 1;
  while (index >= 0 && ToolMessage.isInstance(messages[index])) index -= 1;
  const turn = messages[index];
  if (turn === undefined || !AIMessage.isInstance(turn)) return [];
  const answered = new Set(messages.slice(index + 1).map((m) => (m as ToolMessage).tool_call_id));
  return (turn.tool_calls ?? []).flatMap((call, i) => {
    const id = call.id ?? `call_${i}`;
    return answered.has(id) ? [] : [{ ...call, id }];
  });
}

/**
 * After the agent node: run the tools when the model called some, unless the run already used its `maxSteps` model
 * calls (then the step limit ends it) or its model calls used `tokenBudget` tokens (then the token budget ends it);
 * end when the model answered without tools or the call failed.
 */
export function routeAfterAgent(
  state: Pick<CodeAgentValues, 'messages' | 'steps' | 'error'> & { tokens?: number },
  maxSteps: number,
  tokenBudget = Number.POSITIVE_INFINITY,
): 'tools' | 'step_limit' | 'token_budget' | typeof END {
  if (state.error !== null) return END;
  if (pendingToolCalls(state.messages).length === 0) return END;
  if (state.steps >= maxSteps) return 'step_limit';
  return (state.tokens ?? 0) >= tokenBudget ? 'token_budget' : 'tools';
}

/** After the tools node (one tool call per step): the next pending call, else back to the model; a cancel ends it. */
export function routeAfterTools(state: Pick<CodeAgentValues, 'messages' | 'error'>): 'tools' | 'agent' | typeof END {
  if (state.error !== null) return END;
  return pendingToolCalls(state.messages).length > 0 ? 'tools' : 'agent';
}

/**
 * Whether a call of `tool` needs the human's approval before it runs: the tool can need approval (it has approval
 * texts; ask_human_for_input has none) and the request's `require_approval` names it.
 */
export function needsApproval<T extends Pick<AgentTool, 'name' | 'approval'>>(
  tool: T,
  requireApproval: readonly string[],
): tool is T & { approval: ToolApproval } {
  return tool.approval !== undefined && requireApproval.includes(tool.name);
}

const APPROVALS = new Set(['y', 'yes', 'approve', 'approved']);

/**
 * Whether the human's answer approves: "yes" or "approve" (any case, surrounding spaces and a final "." or "!"
 * ignored).
 */
export function isApproval(answer: unknown): boolean {
  if (answer === true) return true;
  if (typeof answer !== 'string') return false;
  return APPROVALS.has(
    answer
      .trim()
      .replace(/[.!]+$/, '')
      .toLowerCase(),
  );
}
