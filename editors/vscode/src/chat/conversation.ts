// A chat view's conversation so far, folded into the next prompt: the contextual endpoint takes one prompt, so earlier
// turns travel in it (the latest few, cut short), as editor assistants keep a thread going.

/** One exchange. */
export interface Turn {
  prompt: string;
  answer: string;
}

/** Turns carried into the next prompt, at most. */
const KEPT_TURNS = 4;
/** Characters of each earlier answer carried, at most. */
const KEPT_ANSWER_CHARS = 4_000;

/** The prompt for `prompt` after `history` (oldest first): the earlier turns, then the new request. */
export function composePrompt(history: readonly Turn[], prompt: string): string {
  const kept = history.slice(-KEPT_TURNS);
  if (kept.length === 0) return prompt;
  const earlier = kept
    .map((turn) => {
      const answer =
        turn.answer.length > KEPT_ANSWER_CHARS ? `${turn.answer.slice(0, KEPT_ANSWER_CHARS)}\n[…]` : turn.answer;
      return `User: ${turn.prompt}\nAssistant: ${answer}`;
    })
    .join('\n\n');
  return `Earlier in this conversation:\n\n${earlier}\n\nNow: ${prompt}`;
}
