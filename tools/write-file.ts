// write_file(filepath, content): creates or replaces a text file in the project, through the workspace sandbox.
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import type { AgentTool, ToolApproval } from './define-tool.js';
import type { Workspace } from './workspace.js';

/** write_file's arguments, as the model sees them. */
const writeFileSchema = z.object({
  filepath: z
    .string()
    .min(1)
    .describe(
      'Path of the file, relative to the project directory, e.g. "src/utils/math.ts". No absolute paths, no "..".',
    ),
  content: z.string().describe('The complete new content of the file (not a diff or a fragment).'),
});

/** How a write is put to the human: the path and the whole content; a declined write names the file not written. */
const writeApproval: ToolApproval = {
  question: (args) => {
    const filepath = JSON.stringify(String(args['filepath'] ?? ''));
    const content = String(args['content'] ?? '');
    const ask = 'Approve this write? Answer "yes" to write it, or say why not.';
    return `The agent wants to write ${filepath}:\n\n${content}\n\n${ask}`;
  },
  declined: (args, answer) => {
    const why = answer.trim() === '' ? '' : ` Their answer: ${answer.trim()}`;
    return `The human declined this write: ${String(args['filepath'] ?? '')} was not written.${why}`;
  },
  promptLine:
    'The developer approves every write. If they decline one, do not retry it unchanged: adapt, or ask what they want.',
};

/** The `write_file` tool: writes the whole file; the workspace records the path among the files written. */
export function createWriteFileTool(workspace: Workspace): AgentTool {
  return defineTool({
    name: 'write_file',
    description:
      `Create a text file in the project, or replace one, with the given content (the whole file). ` +
      `Missing parent directories are created. Paths are relative to the project directory. ` +
      `Content over ${workspace.maxFileBytes} bytes is refused.`,
    schema: writeFileSchema,
    promptLine: 'Use write_file to create or replace a file (always the whole file).',
    approval: writeApproval,
    run: async ({ filepath, content }) => {
      const result = await workspace.write(filepath, content);
      return `${result.created ? 'Created' : 'Replaced'} ${result.path} (${result.bytes} bytes).`;
    },
  });
}
