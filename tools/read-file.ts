// read_file(filepath): a UTF-8 text file from the project, through the workspace sandbox.
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import type { AgentTool } from './define-tool.js';
import type { Workspace } from './workspace.js';

/** read_file's arguments, as the model sees them. */
const readFileSchema = z.object({
  filepath: z
    .string()
    .min(1)
    .describe('Path of the file, relative to the project directory, e.g. "src/index.ts". No absolute paths, no "..".'),
});

/** The `read_file` tool: returns a text file's whole content. */
export function createReadFileTool(workspace: Workspace): AgentTool {
  return defineTool({
    name: 'read_file',
    description:
      `Read a text file from the project and return its whole content. Paths are relative to the project directory. ` +
      `Files over ${workspace.maxFileBytes} bytes and binary files are refused. Use list_files to find files.`,
    schema: readFileSchema,
    promptLine: 'Use read_file to read a file before you change it.',
    run: async ({ filepath }) => {
      const content = await workspace.read(filepath);
      return content === '' ? `(${filepath} is empty)` : content;
    },
  });
}
