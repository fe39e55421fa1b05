// The coding agent's prompts: the system prompt for a request's tools, and the human turn built from an invoke.
import type { AgentRequestParams } from './state.js';

/** The names of the file tools, which exist only when the request names a project directory. */
export const FILE_TOOL_NAMES = ['read_file', 'write_file', 'list_files'] as const;

/**
 * The system prompt, rebuilt on every model call from the thread's request, so it always describes the tools the
 * model actually has.
 */
export function systemPrompt(request: AgentRequestParams): string {
  const lines = [
    'You are a coding agent working for a developer through their editor. Solve the task you are given.',
    '',
    'How to work:',
    '- Think about what the task needs, then act; keep going until the task is done.',
    '- Use ask_human_for_input when the task is ambiguous, when a decision is the developer\'s to make, or when you need ' +
      'information only they have. Ask one specific question at a time.',
  ];
  if (request.project_directory !== undefined) {
    lines.push(
      '- You work inside the developer\'s project. Use list_files and read_file to look at it before you change it, ' +
        'and write_file to create or replace files (always the whole file). Paths are relative to the project root.',
    );
    if (request.require_approval.includes('write_file')) {
      lines.push('- The developer approves every write. If they decline one, do not retry it unchanged: adapt, or ask what they want.');
    }
  } else {
    lines.push('- You have no access to the developer\'s files: put the code in your answer.');
  }
  lines.push(
    '',
    'When you are done, answer without calling a tool: give the code in fenced code blocks with their language ' +
      '(```ts ... ```), complete rather than elided, then a short explanation of what you did and why.',
  );
  if (request.language !== undefined) lines.push(`Write the code in ${request.language} unless the task says otherwise.`);
  return lines.join('\n');
}

/** The human turn of an invoke: the instruction, then the language and context when given. */
export function instructionMessage(request: AgentRequestParams): string {
  const parts = [request.instruction];
  if (request.language !== undefined) parts.push(`Language: ${request.language}`);
  if (request.context !== undefined && request.context.trim() !== '') parts.push(`Context:\n${request.context}`);
  return parts.join('\n\n');
}

/** The question shown to the human before a write that needs approval. */
export function approvalQuestion(filepath: string, content: string): string {
  return `The agent wants to write ${JSON.stringify(filepath)}:\n\n${content}\n\nApprove this write? Answer "yes" to write it, or say why not.`;
}

/** The tool result the model gets when the human declines a write. */
export function declinedResult(filepath: string, answer: string): string {
  const why = answer.trim() === '' ? '' : ` Their answer: ${answer.trim()}`;
  return `The human declined this write: ${filepath} was not written.${why}`;
}
