// Redis stores say when Redis does not answer: a rejection caused by the connection becomes StoreUnavailableError (a
// 503 `state_unavailable` for a client), whatever store and method it came from.
import { StoreUnavailableError } from '../errors.js';
import { isRedisUnavailable } from './connection.js';

/**
 * `store` with every method that returns a promise rejecting with StoreUnavailableError where Redis did not answer;
 * other rejections (a wrong value, a bug) and other results pass unchanged. Methods run with `store` as `this`.
 */
export function guarded<T extends object>(store: T): T {
  // One wrapper per method, made on first use: the hot path (a window check per request) allocates nothing.
  const wrappers = new WeakMap<(...args: unknown[]) => unknown, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapper = wrappers.get(method);
      if (wrapper === undefined) {
        wrapper = (...args: unknown[]) => {
          const result = method.apply(target, args);
          return result instanceof Promise ? result.catch(rethrow) : result;
        };
        wrappers.set(method, wrapper);
      }
      return wrapper;
    },
  });
}

/** Rejects with StoreUnavailableError when `err` is Redis not answering, else with `err` itself. */
export function rethrow(err: unknown): never {
  throw isRedisUnavailable(err) ? new StoreUnavailableError(err) : err;
}
