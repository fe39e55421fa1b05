// Which config values a running gateway can take without a restart, and applying a new config's changes to the
// running one in place (the request graph, the routes and the live stats hold its objects, not copies).
import { changedPaths, setAt, valueAt } from './paths.js';
import type { Config } from './schema.js';

/**
 * The paths (and everything under them) that apply live: each is read where it is used, on every request or call,
 * from the running config's objects. Any other value is read once when the gateway starts (the port, the stores, the
 * key pool's settings, the request log's content switch...): a change to it waits for a restart.
 */
const LIVE_PATHS = [
  'providers',
  'routing',
  'timeouts.firstByteMs',
  'timeouts.firstByteMinMs',
  'timeouts.firstByteFactor',
  'timeouts.idleMs',
  'events.recordAll',
  'logLevel',
] as const;

/** True when a change at `path` applies without a restart. */
export function isLivePath(path: string): boolean {
  return LIVE_PATHS.some((live) => path === live || path.startsWith(`${live}.`));
}

/** Where `next` differs from `running`: the paths that apply now, and those that need a restart. */
export interface ConfigChanges {
  live: string[];
  restart: string[];
}

/** The differences between the running config and `next`, split by whether they can apply live. */
export function configChanges(running: Config, next: Config): ConfigChanges {
  const changes: ConfigChanges = { live: [], restart: [] };
  for (const path of changedPaths(running, next)) (isLivePath(path) ? changes.live : changes.restart).push(path);
  return changes;
}

/**
 * Sets each of `paths` in `running` to its value in `next` (a copy: the two never share an object), in place, so
 * every holder of the running config's objects sees it from its next read.
 */
export function applyChanges(running: Config, next: Config, paths: readonly string[]): void {
  for (const path of paths) setAt(running as Record<string, unknown>, path, structuredClone(valueAt(next, path)));
}
