// How deep a request body nests, measured on a recursion bounded by the limit (never by the body): a body nested deeper
// than the gateway handles is refused with a 400 before anything recursive (JSON.stringify on the way upstream, schema
// conversions, hashing) walks it and overflows the stack.

/** Levels of objects and arrays a chat body may nest: a tool schema under `tools[i].function.parameters` gets ~30. */
export const MAX_JSON_DEPTH = 64;

/**
 * The path to the first object or array of `value` nested more than `max` levels deep (`value` itself is level 0), or
 * undefined when nothing is. The walk goes no deeper than `max + 1` levels, so its recursion is bounded by `max`, not
 * by the body: a body a million levels deep is refused at level `max + 1`. Children are visited last to first (the
 * order the iterative walk this replaces found them in, so the same path is reported).
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): Array<string | number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const path: Array<string | number> = [];
  return deeperThan(value, max, path) ? path.reverse() : undefined;
}

/** True when `value` nests objects or arrays more than `levels` deep; `path` then holds the way down, inside out. */
function deeperThan(value: object, levels: number, path: Array<string | number>): boolean {
  if (levels < 0) return true;
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null && deeperThan(child, levels - 1, path)) {
        path.push(i);
        return true;
      }
    }
    return false;
  }
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && deeperThan(child, levels - 1, path)) {
      path.push(key);
      return true;
    }
  }
  return false;
}

/**
 * The field a too-deep path is in, as a client would name it: the path down to a JSON schema (`parameters`,
 * `schema`) when it goes through one, else its first two steps.
 */
export function fieldOf(path: Array<string | number>): Array<string | number> {
  const schema = path.findIndex((part) => part === 'parameters' || part === 'schema');
  return path.slice(0, schema >= 0 ? schema + 1 : 2);
}
