// Anthropic's error bodies and status codes for every error of the /v1/messages door, from the gateway's own errors.
import { randomBytes } from 'node:crypto';
import { toErrorResponse } from '../../errors.js';

/** Anthropic's `error.type` values, each with the status Anthropic answers it with (docs.claude.com/en/api/errors). */
type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** Anthropic's error body; `request_id` repeats the `request-id` header. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id: string | null;
}

/** A request id in Anthropic's form (`req_` and 24 base62-ish characters), for the `request-id` header and bodies. */
export function newRequestId(): string {
  return `req_${randomBytes(18).toString('base64url').replace(/[-_]/g, '0')}`;
}

/**
 * The status and Anthropic body for any thrown value: by the gateway's status, onto Anthropic's codes (a 503, no
 * provider can take the call, is Anthropic's 529 overloaded_error; a 502, every upstream failed, its 500 api_error).
 * Unknown errors are a 500 api_error with no detail.
 */
export function toAnthropicError(
  err: unknown,
  requestId: string | null = null,
): { status: number; body: AnthropicErrorBody; retryAfterMs?: number } {
  const { status: gatewayStatus, body, retryAfterMs } = toErrorResponse(err);
  const [status, type] = anthropicStatus(gatewayStatus);
  const message = anthropicMessage(body.error.code, body.error.message);
  return {
    status,
    body: { type: 'error', error: { type, message }, request_id: requestId },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Anthropic's status and error type for a gateway status. */
function anthropicStatus(status: number): [number, AnthropicErrorType] {
  switch (status) {
    case 400:
      return [400, 'invalid_request_error'];
    case 401:
      return [401, 'authentication_error'];
    case 403:
      return [403, 'permission_error'];
    case 404:
      return [404, 'not_found_error'];
    case 413:
      return [413, 'request_too_large'];
    case 429:
      return [429, 'rate_limit_error'];
    case 503:
    case 529:
      return [529, 'overloaded_error'];
    case 504:
      return [504, 'timeout_error'];
    default:
      // Anthropic uses invalid_request_error for the 4xx codes it does not list, and api_error for its own failures.
      return status >= 400 && status < 500 ? [status, 'invalid_request_error'] : [500, 'api_error'];
  }
}

/** The gateway's message, but where it tells an OpenAI client how to send its key, the Anthropic way. */
function anthropicMessage(code: string | null, message: string): string {
  if (code === 'invalid_api_key' && message.startsWith("You didn't provide an API key")) {
    return 'x-api-key header is required (or Authorization: Bearer YOUR_KEY)';
  }
  return message;
}
