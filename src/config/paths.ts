// Config values by dotted path (`routing.defaultMode`): the leaves of a config, reading one, setting one in place,
// and the paths where two configs differ. Plain objects are walked; arrays and scalars are leaves.

/** A plain object (not an array, not null): the nodes walked into. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every leaf path under `value` (`server.port`, `routing.rules`: an array is one leaf), in key order. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (!isPlainObject(value)) return prefix === '' ? [] : [prefix];
  return Object.entries(value).flatMap(([key, item]) =>
    item === undefined ? [] : leafPaths(item, prefix === '' ? key : `${prefix}.${key}`),
  );
}

/** The value at `path` (undefined when any step is missing). */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Sets `path` in `root` in place (undefined deletes it), creating missing objects on the way: every holder of an
 * object on the path sees the new value.
 */
export function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = root;
  for (const key of keys) {
    const next = node[key];
    if (isPlainObject(next)) node = next;
    else node = node[key] = {};
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * The paths where `a` and `b` differ, as deep as both sides are plain objects: an object present on one side only
 * differs as a whole (`routing.llmJudge`), so setting that path replaces it.
 */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => changedPaths(a[key], b[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return sameValue(a, b) ? [] : [prefix];
}

/** Deep equality of config values (JSON-like: objects, arrays, scalars), key order ignored. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) return changedPaths(a, b).length === 0;
  return false;
}
