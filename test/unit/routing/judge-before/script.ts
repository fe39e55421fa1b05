// Before issue 20: the judge as judge-fast-paths.test.ts compares it with (reference copies, not used elsewhere).
// Cheap language evidence for the language check: which writing system dominates a text, and whether it reads as
// English.
/** Writing systems told apart by code point ranges; `cjk` is Han and kana (told apart by the kana share). */
export type Script =
  | 'latin'
  | 'cyrillic'
  | 'greek'
  | 'arabic'
  | 'hebrew'
  | 'devanagari'
  | 'thai'
  | 'hangul'
  | 'cjk'
  | 'other';

/** Letters per writing system, and how many of the CJK ones are kana (Japanese writes kana; Chinese never does). */
export interface ScriptCounts {
  letters: number;
  kana: number;
  by: Partial<Record<Script, number>>;
}

/** A CJK character carries about a word: weigh it like a short Latin word when comparing scripts. */
const CJK_WEIGHT = 3;

/** Counts the letters of `text` by writing system, in one pass. */
export function countScripts(text: string): ScriptCounts {
  const by: Partial<Record<Script, number>> = {};
  let letters = 0;
  let kana = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const script = scriptOf(code);
    if (script === undefined) continue;
    const weight = script === 'cjk' || script === 'hangul' ? CJK_WEIGHT : 1;
    by[script] = (by[script] ?? 0) + weight;
    letters += weight;
    if (code >= 0x3040 && code <= 0x30ff) kana += 1;
  }
  return { letters, kana, by };
}

/** The script with the most (weighted) letters. */
export function dominantScript(counts: ScriptCounts): Script {
  let best: Script = 'other';
  let most = 0;
  for (const [script, count] of Object.entries(counts.by) as Array<[Script, number]>) {
    if (count > most) [best, most] = [script, count];
  }
  return best;
}

function scriptOf(code: number): Script | undefined {
  if (code < 0x80) return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a ? 'latin' : undefined;
  if (code >= 0xc0 && code <= 0x24f) return code === 0xd7 || code === 0xf7 ? undefined : 'latin';
  if (code >= 0x370 && code <= 0x3ff) return 'greek';
  if (code >= 0x400 && code <= 0x4ff) return 'cyrillic';
  if (code >= 0x590 && code <= 0x5ff) return 'hebrew';
  if (code >= 0x600 && code <= 0x6ff) return 'arabic';
  if (code >= 0x900 && code <= 0x97f) return 'devanagari';
  if (code >= 0xe00 && code <= 0xe7f) return 'thai';
  if ((code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff)) return 'hangul';
  if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf))
    return 'cjk';
  return /\p{L}/u.test(String.fromCodePoint(code)) ? 'other' : undefined;
}

/** Frequent English words that are not frequent words of other Latin-script languages ("a", "in", "die", "so"...). */
const ENGLISH = new Set(
  (
    'the and that this with you your are have has not but from they what which how why when where who can would ' +
    "should could there their them it its it's be been were or if does my our about more some any all than then " +
    "these those into out here please thanks thank one only like get make use i'm don't can't let's there's these " +
    'each other such very most well may might much many because while being after before both same ' +
    'write explain tell show need want know think something anything way work did doing new people help using'
  ).split(' '),
);

/**
 * The share of common English-only words among the words of `text` (0 when it has fewer than 6): about 0.3 in English
 * prose, near 0 in other languages.
 */
export function englishShare(text: string): number {
  const words = text
    .toLowerCase()
    .replace(/\u2019/g, "'")
    .match(/[a-z']+/g);
  if (words === null || words.length < 6) return 0;
  let hits = 0;
  for (const word of words) if (ENGLISH.has(word)) hits++;
  return hits / words.length;
}
