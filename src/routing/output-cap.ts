// A request's max_tokens is a ceiling, not a need: a model that writes at most N tokens per answer (the catalog's
// `maxOutputTokens`) is asked for at most N and judged on whether its context window holds the prompt and N. Clients
// such as Claude Code send a large max_tokens (32,000) to every model; without the cap, models whose context window
// is smaller were skipped and providers refused the call for an output limit they could never reach.
import type { ChatRequest } from '../providers/types.js';

/** The output tokens to plan for on a model that writes at most `maxOutputTokens` (undefined: not known). */
export function outputTokensFor(asked: number | undefined, maxOutputTokens: number | undefined): number | undefined {
  if (asked === undefined || maxOutputTokens === undefined) return asked;
  return Math.min(asked, maxOutputTokens);
}

/** `request` with max_tokens and max_completion_tokens no larger than `maxOutputTokens`; itself when they are. */
export function withOutputCap(request: ChatRequest, maxOutputTokens: number | undefined): ChatRequest {
  if (maxOutputTokens === undefined) return request;
  const over = (value: number | undefined) => value !== undefined && value > maxOutputTokens;
  if (!over(request.max_tokens) && !over(request.max_completion_tokens)) return request;
  const capped = { ...request };
  if (over(capped.max_tokens)) capped.max_tokens = maxOutputTokens;
  if (over(capped.max_completion_tokens)) capped.max_completion_tokens = maxOutputTokens;
  return capped;
}
