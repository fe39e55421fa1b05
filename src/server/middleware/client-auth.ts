// Guards /v1/*: once any client key exists (or SWITCHBOARD_REQUIRE_AUTH=1), a client key or the admin key is needed.
import type { RequestHandler, Response } from 'express';
import { CLIENT_KEY_PREFIX, type ClientKeys } from '../../accounts/client-keys.js';
import { bearerToken, secretsEqual } from '../../accounts/secrets.js';
import { maskSecret } from '../../mask-secret.js';
import type { Caller } from '../../accounts/types.js';
import { GatewayError } from '../../errors.js';

const ANONYMOUS: Caller = { kind: 'anonymous' };

/**
 * Who `token` (a bearer token, from a header or the WebSocket's `token` parameter) is: the admin, a client key, or
 * anonymous while auth is not required. Throws OpenAI's 401 (`invalid_api_key`) when auth is required and the token
 * is missing or wrong. With auth off a token is still looked up, so that limits apply to a key that has them, and so
 * that an instance learns of keys made on another one (the miss re-reads the store, at most once a second).
 */
export async function authenticateToken(
  keys: ClientKeys,
  adminKey: string | undefined,
  token: string | undefined,
): Promise<Caller> {
  if (token !== undefined && adminKey !== undefined && adminKey !== '' && secretsEqual(token, adminKey))
    return { kind: 'admin' };
  const client = token === undefined ? undefined : await keys.authenticate(token);
  if (client !== undefined) return { kind: 'client', client };
  if (!keys.authRequired()) return ANONYMOUS;
  if (token === undefined) {
    throw new GatewayError(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
    );
  }
  throw new GatewayError(`Incorrect API key provided: ${maskToken(token)}.`, {
    status: 401,
    type: 'authentication_error',
    code: 'invalid_api_key',
  });
}

/**
 * Middleware for /v1/*: sets `res.locals.caller` (read it with callerOf) and counts a client key's request against
 * its rpm limit and daily budget (429 with Retry-After when over).
 */
export function clientAuth(keys: ClientKeys, adminKey?: string): RequestHandler {
  return async (req, res, next) => {
    // No client key known and auth not required (the default): nothing to look up. Keys made on another instance
    // arrive with the background re-read (ClientKeys.refreshMs).
    if (!keys.authRequired() && (adminKey === undefined || adminKey === '')) {
      res.locals['caller'] = ANONYMOUS;
      return next();
    }
    // Anthropic's clients send their key in x-api-key (docs/ANTHROPIC.md); Bearer wins when both are sent.
    const token = bearerToken(req.get('authorization')) ?? (req.get('x-api-key')?.trim() || undefined);
    const caller = await authenticateToken(keys, adminKey, token);
    if (caller.kind === 'client') await keys.admit(caller.client);
    res.locals['caller'] = caller;
    next();
  };
}

/** The caller's model filter: for a client key limited to some models, whether it may use `ref`; else undefined. */
export function allowedModels(
  keys: Pick<ClientKeys, 'allowsModel'>,
  caller: Caller,
): ((ref: string) => boolean) | undefined {
  if (caller.kind !== 'client' || caller.client.models === undefined) return undefined;
  const { client } = caller;
  return (ref) => keys.allowsModel(client, ref);
}

/** The caller clientAuth found; anonymous where it did not run (an app without auth). */
export function callerOf(res: Response): Caller {
  return (res.locals['caller'] as Caller | undefined) ?? ANONYMOUS;
}

/**
 * A wrong token as it may be echoed back: our own keys keep their prefix and last 4 characters (like OpenAI's
 * message), anything else its first and last 4; a short one shows nothing, since 8 characters would be most of it.
 */
function maskToken(token: string): string {
  if (token.length <= 12) return '…';
  return token.startsWith(CLIENT_KEY_PREFIX) ? `${CLIENT_KEY_PREFIX}…${token.slice(-4)}` : maskSecret(token);
}
