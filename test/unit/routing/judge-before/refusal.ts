// Before issue 20: the judge as judge-fast-paths.test.ts compares it with (reference copies, not used elsewhere).
// The judge's refusal check: the `refusal` field, a content filter stop, or an answer that opens by declining.
import type { Answer, Failure } from '../../../../src/routing/judge/types.js';

/** Optional lead-in before the refusal itself: an apology, "unfortunately", "as an AI language model". */
const LEAD = String.raw`(?:(?:i(?: am|'m) (?:really |very |so |truly )?sorry|sorry|i apologi[sz]e|unfortunately|regrettably|i(?: am|'m) afraid|as an ai(?: language model| model| assistant)?|as a (?:large )?language model)[,.!:;]*\s+(?:but\s+|however,?\s+)?)?`;
/** A first-person "cannot / will not / must decline", with optional softeners. */
const CANNOT = String.raw`(?:i|we)(?: can't| cannot| can not| won't| will not|(?: am|'m| are|'re) (?:unable|not able|not allowed|not permitted|not going) to| must (?:decline|refuse)|(?: am|'m) not in a position to)(?: (?:really|actually|directly|ethically|in good conscience|be able to))*`;
/** What is declined. Only verbs of serving a request, so that "I can't stress enough" or "I cannot help but" pass. */
const ACT = String.raw`(?:help(?! but)|assist|provide|comply|fulfil|fulfill|do (?:that|this|so)|answer|respond|create|generate|write|produce|share|give|engage|support|participate|complete|offer|discuss|process|continue|proceed|satisfy|accommodate|decline|refuse)\b`;
const OPENING = new RegExp(`^${LEAD}${CANNOT} ${ACT}`);
const BARE_DECLINE = new RegExp(
  `^${LEAD}(?:i must (?:decline|refuse)|i(?: have to|'ll have to| will have to) (?:decline|pass)|i(?: am|'m) (?:unable|not able) to (?:do|help with) (?:that|this))`,
);

/**
 * After the declining sentence, this much more text (or a code block) makes it a partial refusal: declined in part,
 * answered.
 */
const SUBSTANTIAL = 400;

/**
 * A refusal: 0.3, so the graph tries another model. The `refusal` field, a `content_filter` stop, or an answer whose
 * first sentence declines ("I'm sorry, but I can't help with that"). A declining first sentence followed by a real
 * answer ("I can't provide legal advice. However, ...") is a partial refusal: 0.8, noted but kept.
 */
export function checkRefusal(answer: Answer): Failure | undefined {
  if (answer.message.refusal) return { score: 0.3, reason: 'refusal' };
  if (answer.finishReason === 'content_filter') return { score: 0.3, reason: 'stopped by the content filter' };
  const opening = openingOf(answer.content);
  if (!OPENING.test(opening) && !BARE_DECLINE.test(opening)) return undefined;
  const rest = answer.content.trimStart().slice(firstSentenceEnd(answer.content.trimStart()));
  if (rest.trim().length >= SUBSTANTIAL || rest.includes('```')) return { score: 0.8, reason: 'partial refusal' };
  return { score: 0.3, reason: 'refusal' };
}

/** The first 240 characters, lower-cased, with Markdown emphasis, quotes and curly apostrophes normalised. */
function openingOf(content: string): string {
  return content
    .slice(0, 240)
    .trimStart()
    .replace(/^[*_>#"'\s]+/, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[*_]/g, '')
    .toLowerCase();
}

/** Where the first sentence ends (after its terminator), or the whole text's length. */
function firstSentenceEnd(text: string): number {
  const match = /[.!?](?:\s|$)|\n/.exec(text);
  return match ? match.index + 1 : text.length;
}
