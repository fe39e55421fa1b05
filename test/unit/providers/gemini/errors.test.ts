import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { geminiError, throwGeminiHttpError } from '../../../../src/providers/gemini/errors.js';
import type { HttpResponse } from '../../../../src/providers/http.js';
import { fixtureJson, recording } from './wire-fixtures.js';

const body = (code: number, status: string, message: string, details: unknown[] = []) => ({
  error: { code, message, status, details },
});
const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
const NOW = Date.parse('2025-06-02T12:00:00Z');
const quota = (...ids: string[]) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: ids.map((quotaId) => ({ quotaId })),
});

describe('geminiError', () => {
  it('maps the recorded 429 RESOURCE_EXHAUSTED to rate_limit with the RetryInfo delay and the quota id', () => {
    const error = geminiError(429, fixtureJson('vercel-ai_google-429-retry-info.json'), {});
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 34_400,
      upstreamCode: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
      message: 'You exceeded your current quota, please check your plan.',
    });
  });

  it.each([
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['0.000500s', 1],
  ])('reads retryDelay %s as %i ms, ahead of a Retry-After header', (delay, ms) => {
    const error = geminiError(429, body(429, 'RESOURCE_EXHAUSTED', 'slow down', [retryInfo(delay)]), {
      'retry-after': '99',
    });
    expect(error.retryAfterMs).toBe(ms);
  });

  it('falls back to the Retry-After header when there is no RetryInfo', () => {
    const error = geminiError(429, body(429, 'RESOURCE_EXHAUSTED', 'slow down'), { 'retry-after': '7' });
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 7_000, upstreamCode: 'RESOURCE_EXHAUSTED' });
  });

  it('keeps a daily quota visible in upstreamCode, ahead of a per-minute one', () => {
    const error = geminiError(
      429,
      body(429, 'RESOURCE_EXHAUSTED', 'quota', [
        quota(
          'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        ),
        retryInfo('43200s'),
      ]),
    );
    expect(error.upstreamCode).toBe('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
    expect(error.retryAfterMs).toBe(43_200_000);
  });

  it('maps a 400 API_KEY_INVALID to auth', () => {
    const error = geminiError(
      400,
      body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]),
    );
    expect(error).toMatchObject({ kind: 'auth', status: 400, upstreamCode: 'API_KEY_INVALID' });
  });

  it('maps 403 PERMISSION_DENIED to auth', () => {
    const error = geminiError(403, body(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers."));
    expect(error).toMatchObject({ kind: 'auth', upstreamCode: 'PERMISSION_DENIED' });
  });

  it('maps a token count INVALID_ARGUMENT to context_length, and other ones to bad_request', () => {
    const long = geminiError(
      400,
      body(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ),
    );
    expect(long).toMatchObject({ kind: 'context_length' });
    const bad = geminiError(
      400,
      body(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo": Cannot find field.'),
    );
    expect(bad).toMatchObject({ kind: 'bad_request', upstreamCode: 'INVALID_ARGUMENT' });
  });

  it('maps the recorded 404 NOT_FOUND to bad_request', () => {
    const [interaction] = recording('Chats_Tests_sendMessage_Send_message_stream_with_error');
    const error = geminiError(interaction!.status, interaction!.segments[0]);
    expect(error).toMatchObject({ kind: 'bad_request', status: 404, upstreamCode: 'NOT_FOUND' });
  });

  it.each([
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
  ])('maps %i %s to server', (code, status) => {
    expect(geminiError(code, body(code, status, 'The model is overloaded. Please try again later.'))).toMatchObject({
      kind: 'server',
    });
  });

  it('the recorded per-minute 429 → quota scope minute, back when RetryInfo says', () => {
    const error = geminiError(429, fixtureJson('vercel-ai_google-429-retry-info.json'), {}, NOW);
    expect(error.quota).toEqual({ scope: 'minute', resetAt: NOW + 34_400 });
  });

  it('a per-day QuotaFailure → quota scope day, reset at the next midnight Pacific time; RetryInfo still sets retryAfterMs', () => {
    // No recorded per-day 429 exists in the fixtures: this body follows Google's documented google.rpc.QuotaFailure
    // shape (quotaMetric, quotaId, quotaDimensions, quotaValue), as Gemini sends it when a free-tier day is spent.
    const daily = body(
      429,
      'RESOURCE_EXHAUSTED',
      'You exceeded your current quota, please check your plan and billing details.',
      [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
              quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
              quotaValue: '20',
            },
          ],
        },
        retryInfo('37s'),
      ],
    );
    const error = geminiError(429, daily, {}, NOW);
    expect(error).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 37_000,
      quota: { scope: 'day', resetAt: Date.parse('2025-06-03T07:00:00Z') },
    });
    // In winter Pacific time is UTC-8, so the same wall-clock midnight is an hour later in UTC.
    expect(geminiError(429, daily, {}, Date.parse('2025-01-15T12:00:00Z')).quota).toEqual({
      scope: 'day',
      resetAt: Date.parse('2025-01-16T08:00:00Z'),
      // quotaValue: the daily limit the key pool learns, named by its quota id.
      limit: {
        value: 20,
        dimension: 'requests',
        source: 'QuotaFailure GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      },
    });
  });

  it('a daily quota wins over a per-minute one listed beside it', () => {
    const both = body(429, 'RESOURCE_EXHAUSTED', 'quota', [
      quota(
        'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
        'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      ),
    ]);
    expect(geminiError(429, both, {}, NOW).quota).toEqual({
      scope: 'day',
      resetAt: Date.parse('2025-06-03T07:00:00Z'),
    });
  });

  it('RetryInfo "0.5s" with no Retry-After header → retryAfterMs 500; no QuotaFailure → no quota', () => {
    const error = geminiError(429, body(429, 'RESOURCE_EXHAUSTED', 'slow down', [retryInfo('0.5s')]), {}, NOW);
    expect([error.retryAfterMs, error.quota]).toEqual([500, undefined]);
  });

  it('gives no quota to errors that are not rate limits', () => {
    expect(
      geminiError(
        400,
        body(400, 'INVALID_ARGUMENT', 'bad', [quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier')]),
        {},
        NOW,
      ).quota,
    ).toBeUndefined();
  });

  it('reads an error wrapped in an array, as the non-SSE stream endpoint sends it', () => {
    const error = geminiError(429, [body(429, 'RESOURCE_EXHAUSTED', 'quota', [retryInfo('2s')])]);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 2_000, message: 'quota' });
  });
});

describe('throwGeminiHttpError', () => {
  const response = (status: number, text: string, headers: Record<string, string> = {}): HttpResponse => ({
    status,
    headers,
    body: (async function* () {})(),
    text: async () => text,
    json: async () => JSON.parse(text),
  });

  it('reads an SSE-framed error body', async () => {
    const text = `data: ${JSON.stringify(body(503, 'UNAVAILABLE', 'overloaded'))}\r\n\r\n`;
    await expect(throwGeminiHttpError(response(503, text))).rejects.toMatchObject({
      kind: 'server',
      status: 503,
      message: 'overloaded',
    });
  });

  it('keeps a body that is not JSON as the message, mapped by status', async () => {
    await expect(throwGeminiHttpError(response(502, '<html>Bad Gateway</html>'))).rejects.toMatchObject({
      kind: 'server',
      message: '<html>Bad Gateway</html>',
    });
  });
});
