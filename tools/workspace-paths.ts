// The sandbox's path rules: a model-supplied relative path becomes a real path inside the project, or a WorkspaceError.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * A refused or failed file operation. Its message is written for the model (it becomes the tool's result,
 * not an HTTP error) and names paths relative to the project, never the host's absolute paths.
 */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/** A path inside the workspace, checked against the project's real path. */
export interface ResolvedPath {
  /** Where to operate: the real path of the target, or of its deepest existing ancestor plus the missing names. */
  absolute: string;
  /** The same place relative to the project root, with '/' separators ('' for the root itself). */
  relative: string;
  /** The path as the model named it, relative to the root and normalized ('' for the root). */
  requested: string;
  /** Whether the target exists now. */
  exists: boolean;
}

/** Version-control metadata directories: hidden from listings, and never read or written (a hook is code). */
export const VCS_DIRECTORIES: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.bzr', '.jj']);

/** Whether `candidate` is `root` or lies below it (both absolute and normalized). */
export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

/** A quoted path for messages. */
export function show(relativePath: string): string {
  return JSON.stringify(relativePath === '' ? '.' : relativePath);
}

function toPosix(relativePath: string): string {
  return relativePath.split(path.sep).join('/');
}

function touchesVcs(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).some((segment) => VCS_DIRECTORIES.has(segment.toLowerCase()));
}

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * The real path of `target`, or of its deepest existing ancestor joined with the names that do not exist yet,
 * so that a path through a symlinked directory is judged by where it really leads. A dangling symlink on the
 * way is refused: writing through it would create its target, wherever that is.
 */
async function realPathOfDeepest(target: string, requested: string): Promise<{ real: string; exists: boolean }> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      const real = await realpath(current);
      if (missing.length > 0 && !(await stat(real)).isDirectory()) {
        throw new WorkspaceError(`Cannot use ${show(requested)}: a part of the path is a file, not a directory.`);
      }
      return { real: path.join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const link = await lstat(current).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (link)
        throw new WorkspaceError(
          `Refused ${show(requested)}: it goes through a symbolic link whose target does not exist.`,
        );
      const parent = path.dirname(current);
      if (parent === current) throw err;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Resolves a model-supplied path against `root` (the project's real path). Refuses NUL bytes, absolute paths,
 * `..` escapes, version-control metadata, and symlinks that lead outside the root.
 */
export async function resolveInside(root: string, relativePath: string): Promise<ResolvedPath> {
  if (relativePath.includes('\0')) throw new WorkspaceError('Refused the path: it contains a NUL byte.');
  if (path.isAbsolute(relativePath) || path.win32.isAbsolute(relativePath)) {
    throw new WorkspaceError(
      `Refused ${show(relativePath)}: absolute paths are not allowed. Use a path relative to the project directory, like "src/index.ts".`,
    );
  }
  const lexical = path.resolve(root, relativePath);
  if (!isInside(root, lexical)) {
    throw new WorkspaceError(
      `Refused ${show(relativePath)}: it leads outside the project directory (".." escapes are not allowed).`,
    );
  }
  const requested = toPosix(path.relative(root, lexical));
  if (touchesVcs(requested)) {
    throw new WorkspaceError(`Refused ${show(requested)}: version-control metadata (.git and the like) is off limits.`);
  }
  const { real, exists } = await realPathOfDeepest(lexical, requested);
  if (!isInside(root, real)) {
    throw new WorkspaceError(
      `Refused ${show(requested)}: it is a symbolic link (or goes through one) that leads outside the project directory.`,
    );
  }
  const relative = toPosix(path.relative(root, real));
  if (touchesVcs(relative)) {
    throw new WorkspaceError(
      `Refused ${show(requested)}: it leads into version-control metadata, which is off limits.`,
    );
  }
  return { absolute: real, relative, requested, exists };
}
