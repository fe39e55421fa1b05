// The coding agent's prompts: the system prompt for a request and the run's tools, and the human turn of an invoke.
import type { AgentTool } from '../../tools/define-tool.js';
import { needsApproval } from './edges.js';
import type { AgentRequestParams } from './state.js';

/** Each tool's line, in the run's order, then its approval line when the request makes it wait for approval. */
function toolLines(tools: readonly AgentTool[], requireApproval: readonly string[]): string[] {
  return tools.flatMap((tool) => {
    const approval = needsApproval(tool, requireApproval) ? tool.approval.promptLine : undefined;
    return approval === undefined ? [`- ${tool.promptLine}`] : [`- ${tool.promptLine}`, `- ${approval}`];
  });
}

/**
 * The system prompt, rebuilt on every model call from the thread's request and the run's tools, so it always
 * describes the tools the model actually has.
 */
export function systemPrompt(request: AgentRequestParams, tools: readonly AgentTool[]): string {
  const lines = [
    'You are a coding agent working for a developer through their editor. Solve the task you are given.',
    '',
    'How to work:',
    '- Think about what the task needs, then act; keep going until the task is done.',
    request.project_directory === undefined
      ? "- You have no access to the developer's files: put the code in your answer."
      : "- You work inside the developer's project. Paths are relative to the project root.",
    ...toolLines(tools, request.require_approval),
  ];
  lines.push(
    '',
    'When you are done, answer without calling a tool: give the code in fenced code blocks with their language ' +
      '(```ts ... ```), complete rather than elided, then a short explanation of what you did and why.',
  );
  if (request.language !== undefined)
    lines.push(`Write the code in ${request.language} unless the task says otherwise.`);
  return lines.join('\n');
}

/** The human turn of an invoke: the instruction, then the language and context when given. */
export function instructionMessage(request: AgentRequestParams): string {
  const parts = [request.instruction];
  if (request.language !== undefined) parts.push(`Language: ${request.language}`);
  if (request.context !== undefined && request.context.trim() !== '') parts.push(`Context:\n${request.context}`);
  return parts.join('\n\n');
}
