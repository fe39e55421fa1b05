// A client key's limits in the shared window store: requests per minute and tokens per rolling day. Not degraded to
// local counters while the store is unavailable: a budget is a promise to the operator, so the request gets a 503.
import { GatewayError } from '../errors.js';
import type { WindowRule, WindowStore } from '../storage/types.js';
import type { ClientKeyInfo } from './types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The WindowStore key counting a client's requests per minute. */
const clientRpmKey = (id: string) => `client:rpm:${id}`;
/** The WindowStore key counting a client's tokens per rolling day. */
const clientTokensKey = (id: string) => `client:tokens:${id}`;

/** Counts one request of `client`; throws a 429 GatewayError (with retryAfterMs) over its rpm or its daily budget. */
export async function admitClient(windows: WindowStore, client: ClientKeyInfo, at: number): Promise<void> {
  const rules: WindowRule[] = [];
  // The budget first, so that a spent budget is what the client is told. It is checked, not spent: amount 0 under
  // dailyTokens - 1 refuses exactly when the recorded tokens reach the budget, and the store says when enough of them
  // expire.
  if (client.dailyTokens !== undefined) {
    rules.push({ key: clientTokensKey(client.id), windowMs: DAY_MS, limit: client.dailyTokens - 1, amount: 0 });
  }
  if (client.rpm !== undefined)
    rules.push({ key: clientRpmKey(client.id), windowMs: MINUTE_MS, limit: client.rpm, amount: 1 });
  if (rules.length === 0) return;
  const result = await windows.consume(rules, at);
  if (result.ok) return;
  if (result.key === clientTokensKey(client.id)) {
    throw new GatewayError(`This API key has used its daily budget of ${client.dailyTokens} tokens; try again later`, {
      status: 429,
      type: 'insufficient_quota',
      code: 'daily_token_budget_exceeded',
      retryAfterMs: result.retryAfterMs,
    });
  }
  throw new GatewayError(`Rate limit reached for this API key: ${client.rpm} requests per minute`, {
    status: 429,
    type: 'rate_limit_error',
    code: 'client_rate_limit',
    retryAfterMs: result.retryAfterMs,
  });
}

/** Adds `amount` tokens (prompt + completion of a finished call) to the client's daily budget window. */
export async function recordClientTokens(windows: WindowStore, clientId: string, amount: number, at: number) {
  await windows.adjust([{ key: clientTokensKey(clientId), windowMs: DAY_MS, amount }], at);
}
