// The sandbox the file tools act through: one project directory, text files only, bounded sizes, atomic writes.
import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside, show, VCS_DIRECTORIES, WorkspaceError } from './workspace-paths.js';
import type { ResolvedPath } from './workspace-paths.js';
import { checkProjectDirectory } from './workspace-roots.js';

/** The largest file read or written by default: 1 MiB. */
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** How many entries one listing shows by default. */
const DEFAULT_MAX_LIST_ENTRIES = 500;
/** How much of a file's start is searched for a NUL byte to call it binary. */
const BINARY_SNIFF_BYTES = 8192;

/** Options for {@link createWorkspace}. */
export interface WorkspaceOptions {
  /** Directories a project may lie under (see `parseWorkspaceRoots`); empty turns the file tools off. */
  roots: readonly string[];
  /** Files larger than this are neither read nor written. Default 1 MiB. */
  maxFileBytes?: number;
  /** A listing shows at most this many entries, then says how many it left out. Default 500. */
  maxListEntries?: number;
}

/** What a write did. */
interface WriteResult {
  /** The file written, relative to the project root. */
  path: string;
  /** Its size in bytes (UTF-8). */
  bytes: number;
  /** Whether the file was new. */
  created: boolean;
}

/** One directory's entries. */
interface Listing {
  /** Paths relative to the project root, sorted; directories end with '/'. At most `maxListEntries`. */
  entries: string[];
  /** How many entries the directory has (version-control metadata not counted). */
  total: number;
  /** Whether `entries` was cut at `maxListEntries`. */
  truncated: boolean;
}

/** A project directory the file tools may act in; every path it takes is relative to that directory. */
export interface Workspace {
  /** The project directory's real path. */
  readonly root: string;
  readonly maxFileBytes: number;
  readonly maxListEntries: number;
  /** Resolves a relative path inside the project, or throws a WorkspaceError that says why not. */
  resolve(relativePath: string): Promise<ResolvedPath>;
  /** A UTF-8 text file's content; refuses directories, files over `maxFileBytes` and binary files. */
  read(relativePath: string): Promise<string>;
  /** Creates or replaces a file atomically (temp file, then rename), creating its parent directories. */
  write(relativePath: string, content: string): Promise<WriteResult>;
  /** The entries of a directory ('' for the project root). */
  list(directoryPath?: string): Promise<Listing>;
  /** The files written through this workspace, relative to the root, in the order first written. */
  writtenFiles(): string[];
}

/** Turns an operating-system error into a WorkspaceError the model can act on; anything else is rethrown. */
function fsFailure(err: unknown, relativePath: string): never {
  if (err instanceof WorkspaceError) throw err;
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  const why: Record<string, string> = {
    ENOENT: 'it does not exist',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'it is a symbolic link',
    ENOSPC: 'the disk is full',
    EROFS: 'the file system is read-only',
    ENAMETOOLONG: 'the name is too long',
  };
  const reason = code === undefined ? undefined : why[code];
  if (reason === undefined) throw err;
  throw new WorkspaceError(`Cannot use ${show(relativePath)}: ${reason}.`);
}

async function readText(target: ResolvedPath, maxFileBytes: number): Promise<string> {
  const name = show(target.requested);
  const info = await stat(target.absolute);
  // Checked before opening: opening a FIFO or a device could block or never end.
  if (info.isDirectory()) throw new WorkspaceError(`Cannot read ${name}: it is a directory (use list_files).`);
  if (!info.isFile()) throw new WorkspaceError(`Cannot read ${name}: it is not a regular file.`);
  const tooBig = (size: number): WorkspaceError =>
    new WorkspaceError(`Cannot read ${name}: it is ${size} bytes, over the ${maxFileBytes}-byte limit.`);
  if (info.size > maxFileBytes) throw tooBig(info.size);
  const handle = await open(target.absolute, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  try {
    // Read at most one byte past the limit, in case the file grew since the stat.
    const buffer = Buffer.alloc(Math.min(info.size, maxFileBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxFileBytes) throw tooBig(length);
    const bytes = buffer.subarray(0, length);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0))
      throw new WorkspaceError(`Cannot read ${name}: it looks binary (it contains NUL bytes).`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new WorkspaceError(`Cannot read ${name}: it is not valid UTF-8 text.`);
    }
  } finally {
    await handle.close();
  }
}

async function writeAtomically(target: ResolvedPath, content: string, maxFileBytes: number): Promise<WriteResult> {
  const name = show(target.requested);
  const data = Buffer.from(content, 'utf8');
  if (data.length > maxFileBytes) {
    throw new WorkspaceError(
      `Cannot write ${name}: the content is ${data.length} bytes, over the ${maxFileBytes}-byte limit.`,
    );
  }
  const existing = target.exists ? await stat(target.absolute) : undefined;
  if (existing !== undefined && !existing.isFile()) {
    throw new WorkspaceError(
      `Cannot write ${name}: it is ${existing.isDirectory() ? 'a directory' : 'not a regular file'}.`,
    );
  }
  const directory = path.dirname(target.absolute);
  await mkdir(directory, { recursive: true });
  const temp = path.join(directory, `.${path.basename(target.absolute)}.${randomUUID()}.tmp`);
  try {
    // 'wx' refuses to follow or reuse anything already at the temp name; a replaced file keeps its mode.
    await writeFile(temp, data, { flag: 'wx', mode: existing === undefined ? 0o666 : existing.mode & 0o777 });
    await rename(temp, target.absolute);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return { path: target.relative, bytes: data.length, created: existing === undefined };
}

async function listDirectory(target: ResolvedPath, maxListEntries: number): Promise<Listing> {
  const entries = await readdir(target.absolute, { withFileTypes: true });
  const prefix = target.requested === '' ? '' : `${target.requested}/`;
  const names = await Promise.all(
    entries
      .filter((entry) => !VCS_DIRECTORIES.has(entry.name.toLowerCase()))
      .map(async (entry) => {
        const isDirectory = entry.isSymbolicLink()
          ? await stat(path.join(target.absolute, entry.name)).then(
              (s) => s.isDirectory(),
              () => false,
            )
          : entry.isDirectory();
        return `${prefix}${entry.name}${isDirectory ? '/' : ''}`;
      }),
  );
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { entries: names.slice(0, maxListEntries), total: names.length, truncated: names.length > maxListEntries };
}

/**
 * Opens the sandbox for one request's `project_directory`, which must lie under one of `options.roots`.
 * @throws GatewayError 400 (param 'project_directory') when no roots are configured, or the directory is not
 * under one, does not exist, or is not a directory.
 */
export async function createWorkspace(projectDirectory: string, options: WorkspaceOptions): Promise<Workspace> {
  const root = await checkProjectDirectory(projectDirectory, options.roots);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxListEntries = options.maxListEntries ?? DEFAULT_MAX_LIST_ENTRIES;
  const written = new Set<string>();
  const resolve = (relativePath: string): Promise<ResolvedPath> =>
    resolveInside(root, relativePath).catch((err: unknown) => fsFailure(err, relativePath));
  return {
    root,
    maxFileBytes,
    maxListEntries,
    resolve,
    async read(relativePath) {
      const target = await resolve(relativePath);
      return readText(target, maxFileBytes).catch((err: unknown) => fsFailure(err, target.requested));
    },
    async write(relativePath, content) {
      const target = await resolve(relativePath);
      if (target.requested === '' || /[\\/]$/.test(relativePath)) {
        throw new WorkspaceError(`Cannot write ${show(relativePath)}: the path names a directory, not a file.`);
      }
      const result = await writeAtomically(target, content, maxFileBytes).catch((err: unknown) =>
        fsFailure(err, target.requested),
      );
      written.add(result.path);
      return result;
    },
    async list(directoryPath = '') {
      const target = await resolve(directoryPath);
      const info = await stat(target.absolute).catch((err: unknown) => fsFailure(err, target.requested));
      if (!info.isDirectory())
        throw new WorkspaceError(`Cannot list ${show(target.requested)}: it is a file (use read_file).`);
      return listDirectory(target, maxListEntries).catch((err: unknown) => fsFailure(err, target.requested));
    },
    writtenFiles: () => [...written],
  };
}
