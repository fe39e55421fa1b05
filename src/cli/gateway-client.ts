// The CLI's way into a running gateway: its address and keys from options or the environment, requests that fail as
// one line saying what to do, and the exit codes scripts can rely on.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { Agent } from 'undici';

/** Exit codes of every command that talks to a gateway (sysexits.h where one fits, as `serve` uses them). */
export const EXIT = {
  /** The gateway answered with an error, or a check the command makes failed. */
  failed: 1,
  /** Bad arguments (commander's own code for them). */
  usage: 2,
  /** No gateway at the address (EX_UNAVAILABLE). */
  unreachable: 69,
  /** A bug of ours (EX_SOFTWARE). */
  internal: 70,
  /** The key was missing or refused (EX_NOPERM). */
  denied: 77,
} as const;

/** Options every command that talks to a gateway takes. */
export interface GatewayOptions {
  url: string;
  /** A client key (`--key`, else SWITCHBOARD_API_KEY). */
  key?: string;
  /** The admin key (`--admin-key`, else SWITCHBOARD_ADMIN_KEY). */
  adminKey?: string;
}

/** The gateway's address when neither --url nor SWITCHBOARD_URL gives one. */
const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8000';

/**
 * Adds --url (SWITCHBOARD_URL, else http://127.0.0.1:8000), and --key or --admin-key as the command needs. The keys
 * get no commander `.env()`: --help would print their values.
 */
export function withGatewayOptions(command: Command, keys: 'client' | 'admin' | 'both'): Command {
  command.addOption(
    new Option('--url <url>', 'the gateway (default: $SWITCHBOARD_URL, else http://127.0.0.1:8000)').env(
      'SWITCHBOARD_URL',
    ),
  );
  if (keys !== 'admin') command.addOption(new Option('--key <key>', 'client key (default: $SWITCHBOARD_API_KEY)'));
  if (keys !== 'client')
    command.addOption(new Option('--admin-key <key>', 'admin key (default: $SWITCHBOARD_ADMIN_KEY)'));
  return command;
}

/**
 * A failure to print as one line (`switchboard: message`), exiting with `code`. When the gateway refused, `status`
 * is its HTTP status and `apiCode` its own error code (`workspace_not_allowed`...), for a command that can say more.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.failed,
    readonly status?: number,
    readonly apiCode?: string,
  ) {
    super(message);
  }
}

/** Which key a request is sent with: the client key, the admin key, or whichever is set (client first). */
export type KeyUse = 'client' | 'admin' | 'any';

/**
 * The gateway's base address without a trailing `/` or `/v1`: SWITCHBOARD_URL is accepted either way, as the
 * OpenAI SDKs' base URL (with /v1) or as the gateway's root.
 */
export function gatewayBase(options: Pick<GatewayOptions, 'url'>): string {
  return (options.url ?? process.env['SWITCHBOARD_URL'] ?? DEFAULT_GATEWAY_URL)
    .replace(/\/+$/, '')
    .replace(/\/v1$/, '');
}

/**
 * The key a request of this kind sends, or undefined when none is set (a gateway with auth off needs none); for
 * connections gatewayFetch does not make (the WebSocket of /v1/ws).
 */
export function keyFor(options: GatewayOptions, use: KeyUse): string | undefined {
  // An empty variable (SWITCHBOARD_API_KEY= in a script) means none, not an empty key.
  const client = (options.key ?? process.env['SWITCHBOARD_API_KEY']) || undefined;
  const admin = (options.adminKey ?? process.env['SWITCHBOARD_ADMIN_KEY']) || undefined;
  if (use === 'client') return client;
  if (use === 'admin') return admin;
  return client ?? admin;
}

/** How requests whose answer may take longer than fetch's 5-minute wait for response headers (an agent run) are sent. */
let untimedAgent: Agent | undefined;

/**
 * Sends a request and returns the raw Response when it is OK; otherwise throws CliError with the gateway's own
 * message (exit 77 for 401/403, 1 otherwise), or exit 69 with how to start a gateway when none answers. For
 * streams (chat, follow), where gatewayRequest's JSON body does not fit.
 * @public
 */
export async function gatewayFetch(
  options: GatewayOptions,
  method: string,
  path: string,
  init: { body?: unknown; use?: KeyUse; signal?: AbortSignal; untimed?: boolean } = {},
): Promise<Response> {
  const use = init.use ?? 'any';
  const key = keyFor(options, use);
  if (use === 'admin' && key === undefined)
    throw new CliError('set SWITCHBOARD_ADMIN_KEY (or pass --admin-key): this needs the admin key', EXIT.denied);
  const base = gatewayBase(options);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
      // undici's own Agent type differs from the one Node's fetch declares; fetch takes it (undici 7 on Node 20 too).
      ...(init.untimed
        ? { dispatcher: (untimedAgent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 })) as unknown as never }
        : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw unreachable(base);
  }
  if (response.ok) return response;
  throw refused(response.status, await response.text());
}

/** The error for a gateway that does not answer at `base`, saying how to start one. */
export function unreachable(base: string): CliError {
  return new CliError(
    `no gateway answers at ${base}: start one with \`switchboard serve\` (or \`npm start\` in a clone), or pass --url`,
    EXIT.unreachable,
  );
}

/** The error for a refused request: the gateway's own message and code from its OpenAI error body; 401/403 exit 77. */
export function refused(status: number, body: string): CliError {
  let message = `HTTP ${status}`;
  let apiCode: string | undefined;
  try {
    const { error } = JSON.parse(body) as { error?: { message?: string; code?: string | null } };
    message = error?.message ?? message;
    apiCode = error?.code ?? undefined;
  } catch {
    // not JSON: keep the status line
  }
  if (status === 401 || status === 403)
    return new CliError(
      `${message} (check SWITCHBOARD_API_KEY / SWITCHBOARD_ADMIN_KEY or --key / --admin-key)`,
      EXIT.denied,
      status,
      apiCode,
    );
  return new CliError(message, EXIT.failed, status, apiCode);
}

/** Like gatewayFetch, and returns the JSON body (undefined when empty). */
export async function gatewayRequest(
  options: GatewayOptions,
  method: string,
  path: string,
  init: { body?: unknown; use?: KeyUse; untimed?: boolean } = {},
): Promise<unknown> {
  const text = await (await gatewayFetch(options, method, path, init)).text();
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * Wraps a command's action: a CliError prints its one line and sets its exit code; anything else prints one line
 * (never a stack trace) and exits 70.
 */
export function cliAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (err) {
      const known = err instanceof CliError;
      process.stderr.write(`switchboard: ${known ? err.message : `unexpected error: ${(err as Error).message}`}\n`);
      process.exitCode = known ? err.code : EXIT.internal;
    }
  };
}

/** Parses an option that must be a positive integer (commander reports the error with exit 2). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}
