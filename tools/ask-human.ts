// ask_human_for_input(question): pauses the agent graph with LangGraph's interrupt() until a human answers.
import { interrupt } from '@langchain/langgraph';
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import type { AgentTool } from './define-tool.js';

/** ask_human_for_input's arguments, as the model sees them. */
const askHumanSchema = z.object({
  question: z
    .string()
    .trim()
    .min(1)
    .describe('The question for the human: specific, self-contained, answerable in a sentence or two.'),
});

/** The value the graph is interrupted with: what the caller shows the human, and the tool call it answers. */
export interface HumanInputRequest {
  question: string;
  /** The id of the model's tool call, when the tool was invoked with one; a resume answers this call. */
  tool_call_id: string | null;
}

/**
 * The `ask_human_for_input` tool. Inside a LangGraph node it interrupts the graph with a
 * {@link HumanInputRequest}; resuming with `new Command({ resume: answer })` makes `answer` the tool's result.
 * Everything before `interrupt()` runs again on resume, so it stays free of side effects, and the interrupt is
 * never caught here (defineTool rethrows it).
 */
export function createAskHumanTool(): AgentTool {
  return defineTool({
    name: 'ask_human_for_input',
    description:
      'Ask the human user a question and wait for the answer. Use it when the task is ambiguous, when a decision ' +
      'is theirs to make, or when you need information only they have. Returns their answer.',
    schema: askHumanSchema,
    promptLine:
      "Use ask_human_for_input when the task is ambiguous, when a decision is the developer's to make, " +
      'or when you need information only they have. Ask one specific question at a time.',
    // The tool is itself a question to the human: approving it first would ask twice.
    approval: false,
    run: async ({ question }, config) => {
      const request: HumanInputRequest = { question, tool_call_id: config.toolCall?.id ?? null };
      const answer: unknown = interrupt(request);
      const text = typeof answer === 'string' ? answer : (JSON.stringify(answer) ?? '');
      return text.trim() === '' ? '(the human gave no answer)' : text;
    },
  });
}
