// list_files(directory_path = ""): the entries of one project directory, through the workspace sandbox.
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import type { AgentTool } from './define-tool.js';
import type { Workspace } from './workspace.js';

/** list_files's arguments, as the model sees them. */
const listFilesSchema = z.object({
  directory_path: z
    .string()
    .optional()
    .describe('Directory to list, relative to the project directory, e.g. "src". Empty or omitted: the project root.'),
});

/** The `list_files` tool: one directory's entries (not recursive), one per line, directories ending in '/'. */
export function createListFilesTool(workspace: Workspace): AgentTool {
  return defineTool({
    name: 'list_files',
    description:
      'List the files and directories directly inside a project directory (not recursive). ' +
      'Each line is a path relative to the project directory, ready for read_file; directories end with "/".',
    schema: listFilesSchema,
    promptLine: 'Use list_files to see what a directory of the project holds.',
    run: async ({ directory_path }) => {
      const listing = await workspace.list(directory_path ?? '');
      if (listing.total === 0) return '(empty directory)';
      const lines = [...listing.entries];
      if (listing.truncated) {
        lines.push(
          `(${listing.total - listing.entries.length} more entries not shown: a listing stops at ${workspace.maxListEntries})`,
        );
      }
      return lines.join('\n');
    },
  });
}
