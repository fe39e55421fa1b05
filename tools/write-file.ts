// write_file(filepath, content): creates or replaces a text file in the project, through the workspace sandbox.
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import type { AgentTool } from './define-tool.js';
import type { Workspace } from './workspace.js';

/** write_file's arguments, as the model sees them. */
export const writeFileSchema = z.object({
  filepath: z
    .string()
    .min(1)
    .describe('Path of the file, relative to the project directory, e.g. "src/utils/math.ts". No absolute paths, no "..".'),
  content: z.string().describe('The complete new content of the file (not a diff or a fragment).'),
});

/** The `write_file` tool: writes the whole file; the workspace records the path among the files written. */
export function createWriteFileTool(workspace: Workspace): AgentTool {
  return defineTool({
    name: 'write_file',
    description:
      `Create a text file in the project, or replace one, with the given content (the whole file). ` +
      `Missing parent directories are created. Paths are relative to the project directory. ` +
      `Content over ${workspace.maxFileBytes} bytes is refused.`,
    schema: writeFileSchema,
    run: async ({ filepath, content }) => {
      const result = await workspace.write(filepath, content);
      return `${result.created ? 'Created' : 'Replaced'} ${result.path} (${result.bytes} bytes).`;
    },
  });
}
