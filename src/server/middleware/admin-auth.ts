// Guards the admin routes: they need SWITCHBOARD_ADMIN_KEY as a Bearer token, and are off when it is not set.
import type { RequestHandler } from 'express';
import { bearerToken, secretsEqual } from '../../accounts/secrets.js';
import { GatewayError } from '../../errors.js';

/**
 * Middleware for /admin/*: 404 when no admin key is configured (the routes are off), 401 on a missing or wrong token.
 */
export function requireAdmin(adminKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (adminKey === undefined || adminKey === '') {
      throw new GatewayError('The admin API is off: set SWITCHBOARD_ADMIN_KEY to turn it on', {
        status: 404,
        type: 'not_found_error',
        code: 'admin_api_disabled',
      });
    }
    const token = bearerToken(req.get('authorization'));
    if (token === undefined || !secretsEqual(token, adminKey)) {
      throw new GatewayError('The admin API needs the admin key as "Authorization: Bearer <SWITCHBOARD_ADMIN_KEY>"', {
        status: 401,
        type: 'authentication_error',
        code: 'invalid_admin_key',
      });
    }
    next();
  };
}
