// Builds an agent tool with tool(): arguments checked against its zod schema first, mistakes returned to the model as text.
import { ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import type { ToolCall } from '@langchain/core/messages/tool';
import type { DynamicStructuredTool, ToolRunnableConfig } from '@langchain/core/tools';
import { z } from 'zod';
import { WorkspaceError } from './workspace-paths.js';

/** What {@link defineTool} needs: the name, description and schema the model sees, and the work itself. */
export interface ToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  schema: S;
  /** Runs with arguments that passed `schema`; a thrown WorkspaceError becomes an "Error: ..." result. */
  run: (args: z.output<S>, config: ToolRunnableConfig) => Promise<string>;
}

/** The tool type {@link defineTool} returns: a LangChain structured tool, ready for `bindTools` and tool nodes. */
export type AgentTool = DynamicStructuredTool;

function isToolCall(input: unknown): input is ToolCall {
  return typeof input === 'object' && input !== null && (input as { type?: unknown }).type === 'tool_call';
}

/**
 * Builds a tool whose mistakes go back to the model instead of failing the run: arguments that do not match
 * the schema, and WorkspaceErrors, come back as an "Error: ..." result (a ToolMessage with status 'error' when
 * invoked with a tool call). Every other error, LangGraph's interrupts included, is rethrown untouched.
 */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): AgentTool {
  const built: AgentTool = tool((args: z.output<S>, config: ToolRunnableConfig) => spec.run(args, config), {
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
      return failure(input, `Error: invalid arguments for ${spec.name}:\n${z.prettifyError(checked.error)}\nCall ${spec.name} again with arguments that match its schema.`);
    }
    try {
      return await invoke(input as Parameters<typeof invoke>[0], config);
    } catch (err) {
      if (err instanceof WorkspaceError) return failure(input, `Error: ${err.message}`);
      throw err;
    }
  };
  built.invoke = checkedInvoke as typeof built.invoke;
  return built;
}
