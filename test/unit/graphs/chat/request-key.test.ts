// The prompt fingerprint a provider's circuit counts distinct failing requests by.
import { describe, expect, it } from 'vitest';
import { requestKeyOf } from '../../../../graphs/chat/request-key.js';
import type { ChatRequest } from '../../../../src/providers/types.js';

const ask = (content: string, model = 'auto'): ChatRequest => ({ model, messages: [{ role: 'user', content }] });

describe('requestKeyOf', () => {
  it('is the same for the same prompt sent again (a client retrying), whatever model it names', () => {
    expect(requestKeyOf(ask('poison pill'))).toBe(requestKeyOf(ask('poison pill', 'alpha/a1')));
  });

  it('tells prompts apart by their text, their roles and their tools', () => {
    const keys = new Set([
      requestKeyOf(ask('one')),
      requestKeyOf(ask('two')),
      requestKeyOf({ model: 'auto', messages: [{ role: 'system', content: 'one' }] }),
      requestKeyOf({ ...ask('one'), tools: [{ type: 'function', function: { name: 'f' } }] }),
      requestKeyOf(ask(`${'a'.repeat(5_000)}x`)),
      requestKeyOf(ask(`${'a'.repeat(5_001)}`)),
    ]);
    expect(keys.size).toBe(6);
  });
});
