// How deep a request body nests, measured without recursion: a body nested deeper than the gateway handles is refused
// with a 400 before anything recursive (JSON.stringify on the way upstream, schema conversions, hashing) walks it and
// overflows the stack.

/** Levels of objects and arrays a chat body may nest: a tool schema under `tools[i].function.parameters` gets ~30. */
export const MAX_JSON_DEPTH = 64;

interface Visit {
  value: object;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

/**
 * The path to the first object or array of `value` nested more than `max` levels deep (`value` itself is level 0), or
 * undefined when nothing is. Iterative: a body a million levels deep is measured in as many steps, on no stack.
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): Array<string | number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Visit[] = [{ value, depth: 0, parent: undefined, key: '' }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    if (visit.depth > max) return pathOf(visit);
    const entries: Array<[string | number, unknown]> = Array.isArray(visit.value)
      ? visit.value.map((item, i) => [i, item])
      : Object.entries(visit.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: visit.depth + 1, parent: visit, key });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): Array<string | number> {
  const path: Array<string | number> = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The field a too-deep path is in, as a client would name it: the path down to a JSON schema (`parameters`,
 * `schema`) when it goes through one, else its first two steps.
 */
export function fieldOf(path: Array<string | number>): Array<string | number> {
  const schema = path.findIndex((part) => part === 'parameters' || part === 'schema');
  return path.slice(0, schema >= 0 ? schema + 1 : 2);
}
