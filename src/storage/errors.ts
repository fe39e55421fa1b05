// The error of a store whose backend does not answer (Redis down or too slow): a 503 `state_unavailable` that a client
// may retry, thrown within the command timeout instead of waiting for the backend to come back.
import { GatewayError } from '../errors.js';

/** Retry-After of a state_unavailable answer: a Redis that restarts or fails over is usually back within seconds. */
const RETRY_AFTER_MS = 1_000;

/** The shared state (Redis) cannot be read or written now. The message names no address or key. */
export class StoreUnavailableError extends GatewayError {
  constructor(cause?: unknown) {
    super("The gateway's shared state (Redis) is unavailable; try again shortly", {
      status: 503,
      type: 'service_unavailable',
      code: 'state_unavailable',
      retryAfterMs: RETRY_AFTER_MS,
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}

/** True for a StoreUnavailableError: the backend did not answer (as opposed to a bug or a refused value). */
export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}
