// Watches the config file for edits: its directory (editors save by writing a new file and renaming it over the old,
// which a watch on the file itself would lose), debounced, and only when the file's text really changed.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ConfigWatchOptions {
  /** How long the directory must be quiet before the file is read again (an editor's save is several events). */
  debounceMs: number;
  /** The watch itself failed (the directory went away, say): it stops. */
  onError: (err: Error) => void;
}

/**
 * Calls `onChange` once the file's text differs from what it was at the previous call (or at the start) and the
 * directory has been quiet for `debounceMs`. Resolves to the function that stops watching.
 */
export async function watchConfigFile(
  file: string,
  onChange: () => void,
  options: ConfigWatchOptions,
): Promise<() => void> {
  let last = await readText(file);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    const text = await readText(file);
    // A file missing between an editor's delete and write is read at the next event; a change it made is not lost.
    if (stopped || text === undefined || text === last) return;
    last = text;
    onChange();
  };
  // Any entry of the directory: a symlinked file (a Kubernetes ConfigMap) changes through entries of other names.
  const watcher: FSWatcher = watch(path.dirname(file), { persistent: false }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), options.debounceMs);
  });
  watcher.on('error', (err) => {
    clearTimeout(timer);
    options.onError(err);
  });
  return () => {
    stopped = true;
    clearTimeout(timer);
    watcher.close();
  };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
