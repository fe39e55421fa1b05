// Which project directories a request may name: SWITCHBOARD_WORKSPACE_ROOTS, and the 400s that say why not.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '../src/errors.js';
import { isInside } from './workspace-paths.js';

/** The environment variable that lists the directories under which a project_directory may lie. */
const WORKSPACE_ROOTS_ENV = 'SWITCHBOARD_WORKSPACE_ROOTS';

const PARAM = 'project_directory';

/**
 * The allowed workspace roots from `SWITCHBOARD_WORKSPACE_ROOTS`: a list separated by the platform's path
 * delimiter (':' on POSIX, ';' on Windows) or by commas, blanks dropped, each made absolute.
 * Unset or empty means no roots, which turns the file tools off.
 */
export function parseWorkspaceRoots(env: Readonly<Record<string, string | undefined>>): string[] {
  const raw = env[WORKSPACE_ROOTS_ENV] ?? '';
  const roots = raw
    .split(path.delimiter)
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => path.resolve(part));
  return [...new Set(roots)];
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(roots.map((root) => realpath(root).catch(() => null)));
  return resolved.filter((root): root is string => root !== null);
}

/**
 * Checks a request's `project_directory` against the allowed roots, by real path on both sides (so symlinked
 * roots work, and a symlink inside a root cannot point a project elsewhere), and returns its real path.
 * @throws GatewayError 400 with param 'project_directory' that says why the directory is refused.
 */
export async function checkProjectDirectory(projectDirectory: string, roots: readonly string[]): Promise<string> {
  if (roots.length === 0) {
    throw badRequest(
      `File tools are off: no workspace roots are configured. An operator allows directories with ${WORKSPACE_ROOTS_ENV}.`,
      PARAM,
      'workspace_disabled',
    );
  }
  if (projectDirectory === '' || projectDirectory.includes('\0') || !path.isAbsolute(projectDirectory)) {
    throw badRequest('project_directory must be an absolute path to a directory.', PARAM, 'invalid_project_directory');
  }
  const allowed = await realRoots(roots);
  const notAllowed = badRequest(
    `project_directory ${JSON.stringify(projectDirectory)} is not under an allowed workspace root (see ${WORKSPACE_ROOTS_ENV}).`,
    PARAM,
    'workspace_not_allowed',
  );
  const lexical = path.resolve(projectDirectory);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    // Only paths a root would contain are said not to exist, so the error never probes the rest of the disk.
    const underARoot = [...allowed, ...roots].some((root) => isInside(root, lexical));
    if (!underARoot) throw notAllowed;
    throw badRequest(
      `project_directory ${JSON.stringify(projectDirectory)} does not exist.`,
      PARAM,
      'workspace_not_found',
    );
  }
  if (!allowed.some((root) => isInside(root, real))) throw notAllowed;
  const info = await stat(real);
  if (!info.isDirectory()) {
    throw badRequest(
      `project_directory ${JSON.stringify(projectDirectory)} is not a directory.`,
      PARAM,
      'workspace_not_directory',
    );
  }
  return real;
}
