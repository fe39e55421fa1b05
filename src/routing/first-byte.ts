// The first-byte timeout of one call: a multiple of the model's measured time to its first byte, within configured
// bounds, so that a hung provider is given up on as soon as it is clearly slower than usual, not after 30 s for all.
import type { Timeouts } from '../providers/http.js';
import type { ModelStats } from './types.js';

/** Upstream timeouts with the bounds of the adaptive first-byte timeout (config `timeouts:`). */
export interface CallTimeouts extends Timeouts {
  /**
   * The least first-byte timeout of a model with measured latency (`firstByteMs` is the most, and the timeout of a
   * model not measured yet). Absent: `firstByteMs`, every call gets the same.
   */
  firstByteMinMs?: number;
  /** The multiple of the model's measured time to first byte it is given (default 4). */
  firstByteFactor?: number;
}

/** Calls measured before a model's own figures set its timeout: one or two calls say little. */
const MIN_SAMPLES = 5;
const DEFAULT_FACTOR = 4;

/** What of a call its time to first byte depends on. */
export interface FirstByteCall {
  stream: boolean;
  /** The output tokens the request asks for at most (`max_completion_tokens` / `max_tokens`), when it says. */
  maxTokens?: number | undefined;
}

/**
 * The first-byte timeout of a call to a model with `stats`: clamp(factor × expected, firstByteMinMs, firstByteMs).
 * The live stats are moving averages, so the factor stands in for a high percentile. What is expected: for a stream,
 * the time to first token (the response head comes no later); for a whole answer, whose head comes only when it is
 * complete, the whole-call latency, or the time to generate the output asked for at the measured speed when that is
 * longer (a long answer from a model usually asked for short ones).
 */
export function firstByteTimeoutMs(stats: ModelStats | undefined, call: FirstByteCall, timeouts: CallTimeouts): number {
  const max = timeouts.firstByteMs;
  const min = Math.min(max, timeouts.firstByteMinMs ?? max);
  if (stats === undefined || stats.samples < MIN_SAMPLES || stats.latencyMs === undefined) return max;
  let expected = call.stream ? (stats.ttftMs ?? stats.latencyMs) : stats.latencyMs;
  if (!call.stream && call.maxTokens !== undefined && stats.tokensPerSec !== undefined && stats.tokensPerSec > 0) {
    expected = Math.max(expected, (stats.ttftMs ?? 0) + (call.maxTokens / stats.tokensPerSec) * 1_000);
  }
  const factor = timeouts.firstByteFactor ?? DEFAULT_FACTOR;
  return Math.min(max, Math.max(min, Math.round(factor * expected)));
}
