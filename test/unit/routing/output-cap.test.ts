// max_tokens as a ceiling: capped at a model's maxOutputTokens, for the upstream call and the context-window fit.
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/providers/types.js';
import { outputTokensFor, withOutputCap } from '../../../src/routing/output-cap.js';

const ask = (extra: Partial<ChatRequest>): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('outputTokensFor', () => {
  it('plans for the smaller of what was asked and what the model can write', () => {
    expect(outputTokensFor(32_000, 8_192)).toBe(8_192);
    expect(outputTokensFor(1_000, 8_192)).toBe(1_000);
    expect(outputTokensFor(32_000, undefined)).toBe(32_000);
    expect(outputTokensFor(undefined, 8_192)).toBeUndefined();
  });
});

describe('withOutputCap', () => {
  it('caps both token fields, leaving the request it was given unchanged', () => {
    const request = ask({ max_tokens: 32_000, max_completion_tokens: 40_000 });
    const capped = withOutputCap(request, 4_096);
    expect(capped).toMatchObject({ max_tokens: 4_096, max_completion_tokens: 4_096 });
    expect(request).toMatchObject({ max_tokens: 32_000, max_completion_tokens: 40_000 });
  });

  it('returns the same request when nothing is over the cap or no cap is known', () => {
    const under = ask({ max_tokens: 100 });
    expect(withOutputCap(under, 4_096)).toBe(under);
    const over = ask({ max_tokens: 32_000 });
    expect(withOutputCap(over, undefined)).toBe(over);
    const none = ask({});
    expect(withOutputCap(none, 4_096)).toBe(none);
  });
});
