// Typed gateway errors and the one function that turns any thrown value into OpenAI's error body.

/** OpenAI's `error.type` values that Switchboard uses. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'service_unavailable';

export interface GatewayErrorOptions {
  status: number;
  type: OpenAIErrorType;
  code?: string | null;
  param?: string | null;
  retryAfterMs?: number;
  cause?: unknown;
}

/** An error whose message is safe to show a client: it becomes OpenAI's error body with `status`. */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 400: the request body or a parameter is wrong; `param` names the field. */
export function badRequest(message: string, param: string | null = null, code = 'invalid_request'): GatewayError {
  return new GatewayError(message, { status: 400, type: 'invalid_request_error', param, code });
}

/** 404: an unknown model, route or resource. */
export function notFound(message: string, code = 'not_found', param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 404, type: 'invalid_request_error', code, param });
}

/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The status and body to send for any thrown value; unknown errors become a generic 500 with no detail. */
export function toErrorResponse(err: unknown): { status: number; body: OpenAIErrorBody; retryAfterMs?: number } {
  if (err instanceof GatewayError) {
    return {
      status: err.status,
      body: { error: { message: err.message, type: err.type, param: err.param, code: err.code } },
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    };
  }
  return {
    status: 500,
    body: { error: { message: 'Internal server error', type: 'server_error', param: null, code: 'internal_error' } },
  };
}

/**
 * A problem the operator must fix before the gateway can start (a bad config, environment variable or master key, a
 * vault that cannot be opened): its message says what is wrong and the way out, and is safe to print as it is.
 */
export class SetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SetupError';
  }
}
