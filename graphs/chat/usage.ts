// Token usage counted with a real tokenizer, for providers that report none.
import { countTokens } from 'gpt-tokenizer';
import type { Usage } from '../../src/providers/types.js';

export function estimateUsage(promptTokens: number, completionText: string): Usage {
  const completion = completionText === '' ? 0 : countTokens(completionText);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}
