// The lexicon: weighted word, phrase and pattern features of many classes, compiled into one character trie and
// scored in a single pass over a text, with no allocation per word.
import { createTrie, isWordChar, type FlatTrie } from './trie.js';

/**
 * One weighted feature of a class. When any of its forms (or its pattern) occurs in a text, `weight` is added to the
 * class's score, once per text however often it occurs, so that a long text repeating one word cannot outvote the rest.
 */
export interface Feature {
  /** Added to the class's score; a negative weight argues against the class. */
  readonly weight: number;
  /**
   * Forms separated by `|`, matched case-insensitively as whole words or phrases. Any run of characters that are
   * not letters or digits (spaces, hyphens, apostrophes) separates words, in the text and in the forms alike, so
   * `step-by-step` and `step by step` are the same form. A trailing `*` matches every word that starts so.
   */
  readonly words?: string;
  /**
   * Tested against the lowercased text (its first 1,000 characters), for what words cannot say (code fences,
   * equations).
   */
  readonly pattern?: RegExp;
  /**
   * Characters at least one of which every match of `pattern` contains (`'?'` for `/\?\s*$/`): a text with none of
   * them is not tested. Most short prompts hold none of a pattern's symbols, and each test costs more than a look at
   * which symbols a text holds. Leave it out when a match can be made of letters alone.
   */
  readonly needs?: string;
}

/** A feature of `weight` present when any of `words` occurs. */
export const words = (weight: number, forms: string): Feature => ({ weight, words: forms });
/**
 * A feature of `weight` present when `pattern` matches the lowercased text. A pattern that would start with a class
 * (`\b\w+error`) is cheaper written from its literal, the rest checked by a lookbehind (`error(?<=\b\w+error)`): the
 * engine then skips ahead to the literal instead of trying the class at every character. `needs`: see Feature.
 */
export const pattern = (weight: number, re: RegExp, needs?: string): Feature =>
  needs === undefined ? { weight, pattern: re } : { weight, pattern: re, needs };

/** Compiled features of a fixed list of classes (numbered by their position in the list given to `compileLexicon`). */
export interface Lexicon {
  readonly classCount: number;
  /**
   * Adds `weight` × the weight of every feature present in `lowerText` (already lowercased) to `scores[class]`, times
   * `classWeights[class]` when given. Each call counts a feature at most once; separate calls (say, the user message
   * and the system prompt) add up.
   */
  score(lowerText: string, weight: number, scores: Float64Array, classWeights?: Float64Array): void;
}

/** Phrases in progress at once (a word may continue several phrases); more are dropped, which costs a rare match. */
const MAX_WALKERS = 8;
/**
 * Patterns look at this many characters of a text at most: each costs a scan, and they are many, where the trie reads
 * every word in one pass. What they look for (a code fence, an equation) shows early in a prompt when it shows at all.
 */
const PATTERN_CHARS = 1000;

/** Compiles the features of each class (class i = `classes[i]`) into one lexicon. */
export function compileLexicon(classes: ReadonlyArray<readonly Feature[]>): Lexicon {
  const trie = createTrie();
  const featureClass: number[] = [];
  const featureWeight: number[] = [];
  const patterns: Pattern[] = [];
  const symbols = createSymbolBits();
  classes.forEach((features, cls) => {
    for (const feature of features) {
      const id = featureClass.length;
      featureClass.push(cls);
      featureWeight.push(feature.weight);
      if (feature.pattern !== undefined) {
        // A global or sticky regex keeps lastIndex between texts and would miss matches.
        const flags = feature.pattern.flags.replace(/[gy]/g, '');
        const needs = feature.needs === undefined ? 0 : symbols.add(feature.needs);
        patterns.push({ re: new RegExp(feature.pattern.source, flags), feature: id, needs });
      }
      for (const form of feature.words?.split('|') ?? []) trie.add(form, id);
    }
  });
  return createScanner(
    trie.flatten(),
    Int32Array.from(featureClass),
    Float64Array.from(featureWeight),
    patterns,
    symbols,
    classes.length,
  );
}

/** A compiled pattern: its feature, and the symbols (SymbolBits) one of which a text must hold to be tested (0: any). */
interface Pattern {
  re: RegExp;
  feature: number;
  needs: number;
}

/**
 * The symbols patterns need, each given a bit, and which of them a text holds, in one pass over it. Symbols may share
 * a bit (all digits do; past 31 symbols, they wrap around): a shared bit only lets more texts through to the test.
 */
interface SymbolBits {
  /** The bits of `chars`, given bits first if they have none. */
  add(chars: string): number;
  /** The bits of the symbols `text` holds (0 when no pattern needs any). */
  held(text: string): number;
}

function createSymbolBits(): SymbolBits {
  const ascii = new Int32Array(128);
  const otherCodes: number[] = [];
  const otherBits: number[] = [];
  // A bit per UTF-16 code (8 KB): whether a symbol above ASCII may be one of those, so that the list is searched for
  // them only, not for every character of a text in another script.
  const other = new Uint8Array(8192);
  let given = 0;
  // Every bit given: a text found to hold them all is read no further.
  let all = 0;
  const bitOf = (c: number): number => {
    if (c < 128) return ascii[c]!;
    const at = otherCodes.indexOf(c);
    return at < 0 ? 0 : otherBits[at]!;
  };
  return {
    add(chars) {
      let mask = 0;
      for (const ch of chars) {
        const c = ch.charCodeAt(0);
        let bit = bitOf(c);
        if (bit === 0) {
          bit = 1 << (given++ % 31);
          all |= bit;
          if (c >= 48 && c <= 57) ascii.fill(bit, 48, 58);
          else if (c < 128) ascii[c] = bit;
          else {
            otherCodes.push(c);
            otherBits.push(bit);
            other[c >> 3]! |= 1 << (c & 7);
          }
        }
        mask |= bit;
      }
      return mask;
    },
    held(text) {
      let held = 0;
      for (let i = 0; i < text.length && held !== all; i++) {
        const c = text.charCodeAt(i);
        if (c < 128) held |= ascii[c]!;
        else if ((other[c >> 3]! & (1 << (c & 7))) !== 0) held |= bitOf(c);
      }
      return held;
    },
  };
}

function createScanner(
  trie: FlatTrie,
  featureClass: Int32Array,
  featureWeight: Float64Array,
  patterns: readonly Pattern[],
  symbols: SymbolBits,
  classCount: number,
): Lexicon {
  const { first, codes, kids, rootTable, space, exactFrom, exact, prefixFrom, prefix } = trie;
  // Scratch space reused by every call: a feature is counted when its stamp differs from the call's epoch.
  const stamps = new Int32Array(featureClass.length);
  // Nodes being walked (-1: the walk ended) and phrases the last word left open.
  const walkers = new Int32Array(MAX_WALKERS + 1);
  const pending = new Int32Array(MAX_WALKERS);
  let epoch = 0;

  let classWeights: Float64Array | undefined;

  function fireOne(id: number, weight: number, scores: Float64Array): void {
    if (stamps[id] === epoch) return;
    stamps[id] = epoch;
    const cls = featureClass[id]!;
    scores[cls]! += featureWeight[id]! * weight * (classWeights === undefined ? 1 : classWeights[cls]!);
  }

  /** Node `at`'s child for `c`, or -1. */
  function next(at: number, c: number): number {
    if (at === 0 && c < rootTable.length) return rootTable[c]!;
    const end = first[at + 1]!;
    for (let j = first[at]!; j < end; j++) if (codes[j] === c) return kids[j]!;
    return -1;
  }

  function score(text: string, weight: number, scores: Float64Array, perClass?: Float64Array): void {
    epoch = epoch === 0x7fffffff ? 1 : epoch + 1;
    classWeights = perClass;
    const length = text.length;
    let pendingCount = 0;
    let i = 0;
    while (i < length) {
      if (!isWordChar(text.charCodeAt(i))) {
        i++;
        continue;
      }
      // A word starts: walk it from the root and from every phrase the previous word left open.
      let count = 0;
      walkers[count++] = 0;
      for (let k = 0; k < pendingCount; k++) walkers[count++] = pending[k]!;
      pendingCount = 0;
      let alive = count;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (!isWordChar(c)) break;
        if (alive === 0) continue;
        for (let k = 0; k < count; k++) {
          const at = walkers[k]!;
          if (at < 0) continue;
          const to = next(at, c);
          walkers[k] = to;
          if (to < 0) alive--;
          else for (let j = prefixFrom[to]!; j < prefixFrom[to + 1]!; j++) fireOne(prefix[j]!, weight, scores);
        }
      }
      for (let k = 0; k < count; k++) {
        const at = walkers[k]!;
        if (at < 0) continue;
        for (let j = exactFrom[at]!; j < exactFrom[at + 1]!; j++) fireOne(exact[j]!, weight, scores);
        const phrase = space[at]!;
        if (phrase >= 0 && pendingCount < MAX_WALKERS) pending[pendingCount++] = phrase;
      }
    }
    const head = text.length > PATTERN_CHARS ? text.slice(0, PATTERN_CHARS) : text;
    const held = symbols.held(head);
    for (const { re, feature, needs } of patterns) {
      if (stamps[feature] === epoch || (needs !== 0 && (needs & held) === 0)) continue;
      if (re.test(head)) fireOne(feature, weight, scores);
    }
  }

  return { classCount, score };
}
