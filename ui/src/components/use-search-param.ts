// A page's filters kept in its URL, set one parameter at a time.
import { useCallback, useRef } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The URL's search parameters, a setter of one of them (undefined removes it) and a clear of all, each replacing the
 * history entry. Each set
 * builds on the parameters as the last set left them, not as the last render saw them: react-router hands
 * setSearchParams' updater the rendered ones, and renders after a navigation in a transition, so a second filter
 * changed before that render (a quick hand, a test's next step) would put the first one back.
 */
export function useSearchParam(): [
  params: URLSearchParams,
  set: (name: string, value: string | undefined) => void,
  clear: () => void,
] {
  const [params, setParams] = useSearchParams();
  const rendered = useRef(params.toString());
  const latest = useRef(params);
  // A location that changed (our own sets once they render, Back, a link) is the new base; a render of the same one
  // (data arriving while a set is pending) keeps what was set since.
  if (params.toString() !== rendered.current) {
    rendered.current = params.toString();
    latest.current = params;
  }
  const replace = useCallback(
    (next: URLSearchParams) => {
      latest.current = next;
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const set = useCallback(
    (name: string, value: string | undefined) => {
      const next = new URLSearchParams(latest.current);
      if (value === undefined) next.delete(name);
      else next.set(name, value);
      replace(next);
    },
    [replace],
  );
  const clear = useCallback(() => replace(new URLSearchParams()), [replace]);
  return [params, set, clear];
}
