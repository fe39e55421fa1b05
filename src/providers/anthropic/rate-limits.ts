// Anthropic's rate-limit headers: four per-minute windows (requests, tokens, input and output tokens).
import {
  parseCount,
  windowsFromHeaders,
  type QuotaDimension,
  type QuotaSignal,
  type ResponseHeaders,
} from '../rate-limits.js';

const ANTHROPIC = /^anthropic-ratelimit-(requests|tokens|input-tokens|output-tokens)-(limit|remaining|reset)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The quota windows an Anthropic answer's headers describe (names in any case):
 * `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`, reset RFC 3339.
 * Anthropic's limits are per minute (RPM, ITPM, OTPM). A value that does not parse is left out; a window with
 * nothing left is dropped.
 */
export function readAnthropicRateLimits(headers: ResponseHeaders): QuotaSignal | undefined {
  return windowsFromHeaders(headers, (name, value) => {
    const m = ANTHROPIC.exec(name);
    if (!m) return undefined;
    const dimension = m[1]!.replace('-', '_') as QuotaDimension;
    if (m[2] === 'reset')
      return {
        dimension,
        scope: 'minute',
        field: 'resetAt',
        value: RFC3339.test(value) ? Date.parse(value) : undefined,
      };
    return { dimension, scope: 'minute', field: m[2] as 'limit' | 'remaining', value: parseCount(value) };
  });
}
