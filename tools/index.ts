// The agent's tools: the file tools for a request's project directory, and ask_human_for_input.
import { createAskHumanTool } from './ask-human.js';
import type { AgentTool } from './define-tool.js';
import { createListFilesTool } from './list-files.js';
import { createReadFileTool } from './read-file.js';
import type { Workspace } from './workspace.js';
import { createWriteFileTool } from './write-file.js';

/** The file tools, `read_file`, `write_file` and `list_files`, bound to one request's workspace. */
export function createFileTools(workspace: Workspace): AgentTool[] {
  return [createReadFileTool(workspace), createWriteFileTool(workspace), createListFilesTool(workspace)];
}

/**
 * Every tool an agent run gets: the file tools only when the request named a project directory (pass its
 * workspace), and always `ask_human_for_input`. The system prompt lists them in this order. A new tool is one file
 * (its `defineTool`: name, schema, prompt line, approval texts) plus one entry in this list or `createFileTools`'.
 */
export function createAgentTools(options: { workspace?: Workspace | undefined } = {}): AgentTool[] {
  const fileTools = options.workspace === undefined ? [] : createFileTools(options.workspace);
  return [...fileTools, createAskHumanTool()];
}
