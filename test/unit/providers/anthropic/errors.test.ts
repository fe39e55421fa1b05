// Anthropic error types → ProviderError: a recorded error body, and billing errors read as the key's fault.
import { describe, expect, it } from 'vitest';
import { anthropicError, refineHttpError } from '../../../../src/providers/anthropic/errors.js';
import { ProviderError } from '../../../../src/providers/errors.js';
import { fixture } from './replay.js';

describe('error types', () => {
  it('reads the recorded 529 overloaded body as a server error', () => {
    const body = JSON.parse(fixture('vercel-ai_error_overloaded_529.json'));
    const error = anthropicError(body.error.type, body.error.message);
    expect(error).toMatchObject({
      kind: 'server',
      status: 529,
      message: 'Overloaded',
      upstreamCode: 'overloaded_error',
    });
  });

  it('turns a billing error into auth (another key may work) and leaves other bad requests alone', () => {
    const billing = new ProviderError('Your credit balance is too low', {
      kind: 'bad_request',
      status: 400,
      upstreamCode: 'invalid_request_error',
    });
    expect(refineHttpError(billing)).toMatchObject({ kind: 'auth', status: 400 });
    const other = new ProviderError('messages: roles must alternate', { kind: 'bad_request', status: 400 });
    expect(refineHttpError(other)).toBe(other);
  });
});
