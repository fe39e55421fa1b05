// Token usage counted with a real tokenizer (bounded in cost: src/routing/tokens.ts), for providers that report none.
import type { Usage } from '../../src/providers/types.js';
import { tokens } from '../../src/routing/tokens.js';

export function estimateUsage(promptTokens: number, completionText: string): Usage {
  const completion = completionText === '' ? 0 : tokens.count(completionText);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}
