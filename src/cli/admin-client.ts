// The CLI's way into a running gateway's admin API: base URL and admin key from options or the environment.
import { Option } from 'commander';

/** Options every admin command takes. */
export interface AdminOptions {
  url: string;
  adminKey?: string;
}

/**
 * The --url and --admin-key options, defaulting to SWITCHBOARD_URL (else http://127.0.0.1:8000) and
 * SWITCHBOARD_ADMIN_KEY.
 */
export function adminOptions(): Option[] {
  return [
    new Option('--url <url>', 'the gateway').env('SWITCHBOARD_URL').default('http://127.0.0.1:8000'),
    // No .env() default shown in --help: that would print the key.
    new Option('--admin-key <key>', 'admin key (default: $SWITCHBOARD_ADMIN_KEY)'),
  ];
}

/** An admin API failure, with the gateway's own error message. */
export class AdminRequestError extends Error {}

/**
 * Calls the admin API and returns its JSON body; throws AdminRequestError with the gateway's message on an error
 * answer, or when the gateway cannot be reached.
 */
export async function adminRequest(
  options: AdminOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const adminKey = options.adminKey ?? process.env['SWITCHBOARD_ADMIN_KEY'];
  if (!adminKey) throw new AdminRequestError('set SWITCHBOARD_ADMIN_KEY (or pass --admin-key) to use the admin API');
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new AdminRequestError(`cannot reach the gateway at ${options.url}: ${(err as Error).message}`);
  }
  const text = await response.text();
  const json: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.status}`;
    throw new AdminRequestError(message);
  }
  return json;
}

/** Runs an admin command's action: prints an AdminRequestError's message and exits 1 instead of a stack trace. */
export function adminAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (err) {
      if (!(err instanceof AdminRequestError)) throw err;
      process.stderr.write(`switchboard: ${err.message}\n`);
      process.exitCode = 1;
    }
  };
}
