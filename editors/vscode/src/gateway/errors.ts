// Gateway failures as errors that say what to do: a refused key, a rate limit with its wait, no provider, no gateway.

/** A failed call to the gateway: its HTTP status (0 when it could not be reached) and OpenAI error body. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    /** Seconds, from the Retry-After header of a 429 or 503. */
    readonly retryAfterSeconds: number | undefined = undefined,
    readonly param: string | undefined = undefined,
  ) {
    super(message);
  }
}

/** Builds the error of a non-2xx response from its OpenAI error body and Retry-After header. */
export async function errorOf(res: Response): Promise<GatewayError> {
  let body: { error?: { message?: string; code?: string | null; param?: string | null } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON: the status says enough */
  }
  const retry = Number(res.headers.get('retry-after'));
  return new GatewayError(
    body.error?.message ?? `HTTP ${res.status}`,
    res.status,
    body.error?.code ?? undefined,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
    body.error?.param ?? undefined,
  );
}

/** The message shown to the person for a failure: what happened, then what to do about it. */
export function explain(err: unknown, gatewayUrl: string): string {
  if (!(err instanceof GatewayError)) return `Switchboard: ${err instanceof Error ? err.message : String(err)}`;
  const { status, message } = err;
  if (status === 0)
    return `Switchboard: no gateway answers at ${gatewayUrl}. Start one with \`switchboard serve\`, or set switchboard.gatewayUrl to where it runs.`;
  if (status === 401)
    return `Switchboard: the gateway refused the client key (${message}). Run "Switchboard: Set client key" with a key from \`switchboard keys create\` or the console's Keys page.`;
  if (status === 403) return `Switchboard: this client key may not do that (${message}). Ask the gateway's admin.`;
  if (status === 429) {
    const wait = err.retryAfterSeconds === undefined ? 'a moment' : `${err.retryAfterSeconds} s`;
    return `Switchboard: rate limit reached (${message}). Try again in ${wait}, or switch the mode to one with more free capacity.`;
  }
  if (status === 503)
    return `Switchboard: no provider can answer right now (${message}). Check the gateway's providers and keys with \`switchboard status\` or the console, then try again${err.retryAfterSeconds === undefined ? '' : ` in ${err.retryAfterSeconds} s`}.`;
  return `Switchboard: the gateway answered ${status}: ${message}`;
}
