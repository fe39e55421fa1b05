// Every agent tool over a throwaway project directory: for tests of what the real tools say about themselves.
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentTool } from '../../tools/define-tool.js';
import { createAgentTools } from '../../tools/index.js';
import { createWorkspace } from '../../tools/workspace.js';

/** The tools a run with a project directory gets, by name, and how to remove their project. */
export interface ProjectTools {
  tools: AgentTool[];
  byName(name: string): AgentTool;
  cleanup(): Promise<void>;
}

/** Opens an empty temporary project and builds the run's tools on it. */
export async function projectTools(): Promise<ProjectTools> {
  const project = await realpath(await mkdtemp(path.join(tmpdir(), 'agent-tools-')));
  const tools = createAgentTools({ workspace: await createWorkspace(project, { roots: [project] }) });
  return {
    tools,
    byName(name) {
      const found = tools.find((tool) => tool.name === name);
      if (found === undefined) throw new Error(`no tool ${name}`);
      return found;
    },
    cleanup: () => rm(project, { recursive: true, force: true }),
  };
}
