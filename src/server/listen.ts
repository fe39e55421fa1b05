// Where the gateway listens, said as it is: loopback unless told otherwise, never open to the network by accident, and
// a failure to listen said in words.
import type { AddressInfo } from 'node:net';
import { SetupError } from '../errors.js';

/** Logged, and printed by `switchboard serve`, when the gateway listens beyond loopback with client auth off. */
export const EXPOSED_WARNING =
  'listening beyond loopback with client auth off (--allow-public / SWITCHBOARD_ALLOW_PUBLIC=1): anyone who can ' +
  'reach this port can use the gateway and spend its provider keys';

/** True for a host that only this machine reaches: localhost, 127.0.0.0/8, ::1. */
function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Whether listening on `host` opens the gateway to the network: beyond loopback with client auth off. Throws a
 * SetupError saying the ways out unless `allowPublic`; resolves true when it does and is allowed, so the caller warns.
 */
export function checkExposure(host: string, authOn: boolean, allowPublic: boolean): boolean {
  if (isLoopback(host) || authOn) return false;
  if (allowPublic) return true;
  throw new SetupError(
    `refusing to listen on ${host} with client auth off: anyone who can reach this machine could use the gateway ` +
      'and spend its provider keys. Listen on 127.0.0.1 (the default; --host or HOST), or turn auth on ' +
      '(SWITCHBOARD_REQUIRE_AUTH=1 with SWITCHBOARD_ADMIN_KEY, then `switchboard client-keys create`), or accept it ' +
      '(a trusted network, an authenticating proxy in front) with --allow-public or SWITCHBOARD_ALLOW_PUBLIC=1.',
  );
}

/** The address the server really listens on, and the URL to reach it at (loopback for "every interface"). */
export function listenUrls(info: AddressInfo): { url: string; address: string } {
  const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const everywhere = info.address === '0.0.0.0' || info.address === '::';
  return { address: `http://${shown}:${info.port}`, url: `http://${everywhere ? '127.0.0.1' : shown}:${info.port}` };
}

/** A listen failure as a SetupError that says what to change; anything unexpected as it is. */
export function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new SetupError(
        `cannot listen on ${where}: the port is in use; stop what holds it, or choose another port with --port or PORT`,
        { cause: err },
      );
    case 'EACCES':
      return new SetupError(
        `cannot listen on ${where}: not allowed (ports below 1024 need privileges); choose a port above 1023`,
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SetupError(`cannot listen on ${where}: this machine has no such address; check --host or HOST`, {
        cause: err,
      });
    default:
      return err;
  }
}
