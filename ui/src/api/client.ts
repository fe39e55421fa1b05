// The console's one way to call the gateway: the signed-in key as a bearer token, JSON in and out, and the
// gateway's OpenAI-style error body turned into an ApiError with its message.

const KEY_STORAGE = 'switchboard.key';

/** The key the console signed in with; session storage only: gone with the tab, never in the URL. */
export function storedKey(): string | undefined {
  return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
}

export function storeKey(key: string | undefined): void {
  if (key === undefined) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

/** A request the gateway refused or could not answer, with its message, code and the field it names (`param`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** The bearer header for the stored key, for calls made outside `api` (streams). */
export function authHeaders(key = storedKey()): Record<string, string> {
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}

/** Calls the gateway and returns its JSON body (undefined for an empty one); throws ApiError otherwise. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: string; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...authHeaders(init.key ?? storedKey()),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch {
    throw new ApiError('The gateway does not answer. Is it running?', 0);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { message?: string; code?: string; param?: string } } | undefined)?.error;
    throw new ApiError(
      error?.message ?? `HTTP ${response.status}`,
      response.status,
      error?.code ?? undefined,
      error?.param ?? undefined,
    );
  }
  return body as T;
}

/** Query-string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
