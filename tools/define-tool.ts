// Builds an agent tool: arguments checked first, mistakes returned to the model as text, its self-description attached.
import { ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import type { ToolCall } from '@langchain/core/messages/tool';
import type { DynamicStructuredTool, ToolRunnableConfig } from '@langchain/core/tools';
import { z } from 'zod';
import { WorkspaceError } from './workspace-paths.js';

/** A tool call's arguments as the model wrote them: not checked against the tool's schema yet. */
type ToolCallArgs = Record<string, unknown>;

/** How a tool asks the human before a call the request's `require_approval` names, and what a no tells the model. */
export interface ToolApproval {
  /** The question the human sees (the interrupt's `question`). */
  question(args: ToolCallArgs): string;
  /** The call's result for the model when the human answers anything but yes; `answer` is what they said. */
  declined(args: ToolCallArgs, answer: string): string;
  /** A line for the system prompt of a run that needs the human's approval for this tool. */
  promptLine?: string;
}

/** What a tool says about itself besides the name, description and schema the model sees. */
interface ToolDescription {
  /** The tool's line in the system prompt's "How to work" list (without the leading "- "). */
  promptLine: string;
  /** How the tool asks for approval; absent when it never needs any. */
  approval?: ToolApproval;
}

/** What {@link defineTool} needs: the name, description and schema the model sees, its self-description, the work. */
interface ToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  schema: S;
  /** See {@link ToolDescription.promptLine}. */
  promptLine: string;
  /** Its own approval texts; absent: the generic question about the call; `false`: it never needs approval. */
  approval?: ToolApproval | false;
  /** Runs with arguments that passed `schema`; a thrown WorkspaceError becomes an "Error: ..." result. */
  run: (args: z.output<S>, config: ToolRunnableConfig) => Promise<string>;
}

/**
 * The tool type {@link defineTool} returns: a LangChain structured tool, ready for `bindTools` and tool nodes,
 * that also describes itself to the agent graph.
 */
export type AgentTool = DynamicStructuredTool & ToolDescription;

/** The approval texts of a tool without its own: the call's name and arguments as they are. */
function genericApproval(name: string): ToolApproval {
  return {
    question: (args) =>
      `The agent wants to call ${name} with ${JSON.stringify(args)}. Approve? Answer "yes" to run it, or say why not.`,
    declined: (_args, answer) => `The human declined this call. Their answer: ${answer}`,
  };
}

function isToolCall(input: unknown): input is ToolCall {
  return typeof input === 'object' && input !== null && (input as { type?: unknown }).type === 'tool_call';
}

/**
 * Builds a tool whose mistakes go back to the model instead of failing the run: arguments that do not match
 * the schema, and WorkspaceErrors, come back as an "Error: ..." result (a ToolMessage with status 'error' when
 * invoked with a tool call). Every other error, LangGraph's interrupts included, is rethrown untouched. The tool
 * carries the spec's prompt line and approval texts (the generic ones when the spec has none of its own).
 */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): AgentTool {
  const built: DynamicStructuredTool = tool((args: z.output<S>, config: ToolRunnableConfig) => spec.run(args, config), {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
  });
  const invoke = built.invoke.bind(built);
  const failure = (input: unknown, text: string): string | ToolMessage =>
    isToolCall(input) && input.id !== undefined
      ? new ToolMessage({ content: text, tool_call_id: input.id, name: spec.name, status: 'error' })
      : text;
  // tool() throws on arguments that fail the schema; checking them first lets the model read why and retry.
  const checkedInvoke = async (input: unknown, config?: ToolRunnableConfig): Promise<unknown> => {
    const checked = spec.schema.safeParse(isToolCall(input) ? input.args : input);
    if (!checked.success) {
      return failure(
        input,
        `Error: invalid arguments for ${spec.name}:\n${z.prettifyError(checked.error)}\nCall ${spec.name} again with arguments that match its schema.`,
      );
    }
    try {
      return await invoke(input as Parameters<typeof invoke>[0], config);
    } catch (err) {
      if (err instanceof WorkspaceError) return failure(input, `Error: ${err.message}`);
      throw err;
    }
  };
  built.invoke = checkedInvoke as typeof built.invoke;
  const description: ToolDescription = { promptLine: spec.promptLine };
  if (spec.approval !== false) description.approval = spec.approval ?? genericApproval(spec.name);
  return Object.assign(built, description);
}
