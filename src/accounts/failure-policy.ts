// The failure policy: one table from what went wrong with a call (its failure kind) to what follows, and the one
// function that tells the kind of anything a call threw.
//
// It lives in src/accounts, not src/routing where DESIGN.md first placed it: the key lease and the circuit breakers
// are here, below routing, and must read it, and a lower layer never imports a higher one. Everything above reads it
// from here: live stats and the next attempt (src/routing), the request graph's fallback edge, mid-stream
// continuation and ensemble (graphs/chat). docs/ROUTING.md shows the table.
import { GatewayError, type OpenAIErrorType } from '../errors.js';
import { isProviderError, type ProviderError } from '../providers/errors.js';
import { isKeyUnavailable, type UnavailableKind } from './errors.js';

/**
 * What went wrong with one call to a candidate. The first eight are the providers' own (`ProviderErrorKind`);
 * `overloaded`: a `server` failure that said when to come back (a 503, or Anthropic's 529, with Retry-After);
 * `connect`: the provider could not be reached at all (refused, no DNS, connect timeout); `stream_broken`: a stream
 * failed after its first content; `judge_rejected`: the answer came but the judge scored it too low;
 * `circuit_open`, `resting` (every key resting or at its limits, or too many calls in flight) and `no_key` (every key
 * disabled): no call was made; `internal`: the gateway's own fault; `aborted`: the client went away.
 */
export type FailureKind =
  | 'rate_limit'
  | 'auth'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'server'
  | 'overloaded'
  | 'timeout'
  | 'network'
  | 'connect'
  | 'stream_broken'
  | 'judge_rejected'
  | UnavailableKind
  | 'internal'
  | 'aborted';

/** What follows a failure of one kind. */
export interface FailurePolicy {
  /** A call was made: it counts against `routing.maxAttempts`. */
  attempt: boolean;
  /** Try the same model again with another usable key of its provider, before any other model. */
  otherKey: boolean;
  /** Try the next candidate of the plan (within the run's attempts and time). */
  nextModel: boolean;
  /** Leave the rest of this provider's models out of this request. */
  skipProvider: boolean;
  /**
   * What happens to the key: `until_reset` rests it until the provider's reset time, else its Retry-After, else
   * `accounts.rateLimitCooldownMs`; `disable` takes it out until it is validated again or re-added.
   */
  restKey: 'none' | 'until_reset' | 'disable';
  /**
   * How the call counts toward the provider's circuit: a `failure`; a `success` (the provider answered, whatever it
   * thought of the request or the key); `none` (no call, or not the provider's doing).
   */
  circuit: 'failure' | 'success' | 'none';
  /** Counts as a failed call in the model's live stats (success rate, pruning). */
  stats: boolean;
  /** What the client gets when the run ends on this failure (429 and 503 with a Retry-After), and what it is told. */
  client: { status: number; type: OpenAIErrorType; code: string; says: string };
}

const row = (
  flags: string,
  restKey: FailurePolicy['restKey'],
  circuit: FailurePolicy['circuit'],
  client: FailurePolicy['client'],
): FailurePolicy => ({
  attempt: flags.includes('A'),
  otherKey: flags.includes('K'),
  nextModel: flags.includes('M'),
  skipProvider: flags.includes('P'),
  restKey,
  circuit,
  stats: flags.includes('S'),
  client,
});

type Client = FailurePolicy['client'];
const invalid = (code: string, says: string): Client => ({ status: 400, type: 'invalid_request_error', code, says });
const upstream = (status: number, code: string, says: string): Client => ({ status, type: 'server_error', code, says });
const unavailable = (code: string, says: string): Client => ({ status: 503, type: 'service_unavailable', code, says });
const limited = (says: string): Client => ({
  status: 429,
  type: 'rate_limit_error',
  code: 'rate_limit_exceeded',
  says,
});
const FAILED = 'The upstream model failed';

/**
 * The table. Flags: A a call was made (an attempt), K try another key, M try the next model, P skip the rest of the
 * provider, S count in live stats.
 */
export const FAILURE_POLICY: Readonly<Record<FailureKind, FailurePolicy>> = {
  rate_limit: row('AKM', 'until_reset', 'success', limited('All candidate models are rate limited')),
  auth: row(
    'AKM',
    'disable',
    'success',
    upstream(502, 'upstream_auth_failed', "The provider rejected the gateway's credentials"),
  ),
  bad_request: row('A', 'none', 'success', invalid('upstream_bad_request', 'The provider rejected the request')),
  // Another model may have a bigger context window.
  context_length: row(
    'AM',
    'none',
    'success',
    invalid('context_length_exceeded', "The prompt does not fit the model's context window"),
  ),
  content_filter: row(
    'A',
    'none',
    'success',
    invalid('content_filter', "The provider's content filter blocked the request"),
  ),
  server: row('AMS', 'none', 'failure', upstream(502, 'upstream_error', FAILED)),
  // A server failure still, but one that says when the model can serve again: the client is told so (503 and when).
  overloaded: row('AMS', 'none', 'failure', unavailable('upstream_overloaded', 'The upstream model is overloaded')),
  timeout: row('AMS', 'none', 'failure', upstream(504, 'upstream_timeout', 'The upstream model timed out')),
  network: row('AMS', 'none', 'failure', upstream(502, 'upstream_error', FAILED)),
  // Unreachable: its other models are behind the same address.
  connect: row('AMPS', 'none', 'failure', upstream(502, 'upstream_unreachable', 'The provider could not be reached')),
  stream_broken: row('AMS', 'none', 'failure', upstream(502, 'upstream_error', 'The upstream stream broke')),
  // The lease already counted the call a success; the judge's score goes to live stats as quality.
  judge_rejected: row('AM', 'none', 'none', upstream(502, 'upstream_error', 'Every answer was rejected')),
  circuit_open: row(
    'MP',
    'none',
    'none',
    unavailable('provider_unavailable', 'No candidate provider is available now'),
  ),
  resting: row('MP', 'none', 'none', limited('No key of any candidate model can serve now')),
  no_key: row(
    'MP',
    'none',
    'none',
    unavailable('no_usable_key', 'No candidate model has a usable key: add or validate keys'),
  ),
  // The gateway's own fault: the next provider would see the same, and the providers are not to blame.
  internal: row('A', 'none', 'none', {
    status: 500,
    type: 'server_error',
    code: 'internal_error',
    says: 'Internal error',
  }),
  // Nobody is left to read the answer; the status is for the logs.
  aborted: row('A', 'none', 'none', { ...invalid('client_closed_request', 'The client went away'), status: 499 }),
};

/**
 * The client's error for a run that ended on a failure of `kind`: the table's status, type and code, its words then
 * `detail`. A 429 or 503 carries `retryAfterMs` (the earliest time any candidate can serve) when it is known.
 */
export function clientError(kind: FailureKind, detail: string, retryAfterMs?: number): GatewayError {
  const { status, type, code, says } = FAILURE_POLICY[kind].client;
  const waits = (status === 429 || status === 503) && retryAfterMs !== undefined && Number.isFinite(retryAfterMs);
  return new GatewayError(detail === '' ? says : `${says}: ${detail}`, {
    status,
    type,
    code,
    ...(kind === 'context_length' ? { param: 'messages' } : {}),
    ...(waits ? { retryAfterMs: Math.max(0, retryAfterMs) } : {}),
  });
}

/** Transport error codes that mean the provider was never reached. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Kinds a stream's failure takes once content has reached the client: the stream broke. */
const BREAKS_A_STREAM: ReadonlySet<FailureKind> = new Set(['server', 'overloaded', 'timeout', 'network', 'connect']);

/** Statuses of an overloaded server: 503, and Anthropic's 529 `overloaded_error`. */
const OVERLOADED: ReadonlySet<number> = new Set([503, 529]);

/**
 * The kind of anything a call threw. `afterContent`: the call was a stream that had sent content already, so a
 * transport or server failure is `stream_broken`. Anything that is neither a ProviderError nor a KeyUnavailableError
 * is `internal` (an abort is `aborted`, an abort by a time limit `timeout`).
 */
export function failureKindOf(err: unknown, afterContent = false): FailureKind {
  let kind: FailureKind;
  if (isProviderError(err)) kind = !reachedAtAll(err) ? 'connect' : overloaded(err) ? 'overloaded' : err.kind;
  else if (isKeyUnavailable(err)) return err.kind;
  else if (err instanceof Error && err.name === 'TimeoutError') kind = 'timeout';
  else if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  else return 'internal';
  return afterContent && BREAKS_A_STREAM.has(kind) ? 'stream_broken' : kind;
}

/** A server failure that said when to come back: its Retry-After is the model's own, and the client's. */
function overloaded(err: ProviderError): boolean {
  return isUnavailableAnswer(err) && err.retryAfterMs !== undefined;
}

/**
 * The provider answered that it cannot serve now (a 503, or Anthropic's 529), whether or not it said when to come
 * back: with no Retry-After it is a `server` failure, but one that tells no time, neither "now" nor "never".
 */
export function isUnavailableAnswer(err: unknown): err is ProviderError {
  return isProviderError(err) && err.kind === 'server' && OVERLOADED.has(err.status);
}

/** False when a transport failure's cause says the connection was never made. */
function reachedAtAll(err: { kind: string; cause?: unknown }): boolean {
  if (err.kind !== 'network' && err.kind !== 'timeout') return true;
  for (let cause = err.cause, depth = 0; cause instanceof Error && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return false;
    cause = cause.cause;
  }
  return true;
}
