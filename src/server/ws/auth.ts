// Who may follow runs over /v1/ws: the HTTP API's auth (a client key in the Authorization header or a `token` query
// parameter), and what each caller sees: a client its own runs, the admin every run.
import type { IncomingMessage } from 'node:http';
import type { ClientKeys } from '../../accounts/client-keys.js';
import { bearerToken } from '../../accounts/secrets.js';
import type { Caller } from '../../accounts/types.js';
import { GatewayError } from '../../errors.js';
import { authenticateToken } from '../middleware/client-auth.js';
import type { Authorize, Viewer } from './server.js';

/**
 * The /v1/ws authorize hook: refuses (401, with the HTTP API's message) a missing or wrong key while auth is on.
 * A browser cannot set headers on a WebSocket, hence the `token` parameter.
 */
export function wsAuthorize(clientKeys: ClientKeys, adminKey: string | undefined): Authorize {
  return async (req) => {
    const token = bearerToken(req.headers.authorization) ?? tokenParameter(req);
    try {
      return viewerOf(await authenticateToken(clientKeys, adminKey, token), clientKeys);
    } catch (err) {
      if (err instanceof GatewayError) return err.message;
      throw err;
    }
  };
}

/**
 * What a caller sees: the admin every run; a client the runs made with its key; an anonymous caller (auth off)
 * every run while auth stays off, and nothing once a client key exists.
 */
function viewerOf(caller: Caller, clientKeys: ClientKeys): Viewer {
  switch (caller.kind) {
    case 'admin':
      return { sees: () => true };
    case 'client': {
      const { id } = caller.client;
      return { sees: (event) => event.client === id };
    }
    case 'anonymous':
      return { sees: () => !clientKeys.authRequired() };
  }
}

function tokenParameter(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}
