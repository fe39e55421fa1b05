// The lexicon: weighted word, phrase and pattern features of many classes, compiled into one character trie and
// scored in a single pass over a text, with no allocation per word.

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
}

/** A feature of `weight` present when any of `words` occurs. */
export const words = (weight: number, forms: string): Feature => ({ weight, words: forms });
/**
 * A feature of `weight` present when `pattern` matches the lowercased text. A pattern that would start with a class
 * (`\b\w+error`) is cheaper written from its literal, the rest checked by a lookbehind (`error(?<=\b\w+error)`): the
 * engine then skips ahead to the literal instead of trying the class at every character.
 */
export const pattern = (weight: number, re: RegExp): Feature => ({ weight, pattern: re });

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

interface TrieNode {
  /** Children: parallel arrays of character codes and nodes, searched linearly (most nodes have one to three). */
  codes: number[];
  kids: TrieNode[];
  /** Features whose form ends exactly here (at the end of a word). */
  exact: number[] | undefined;
  /** Features whose form is a prefix ending here (`word*`). */
  prefix: number[] | undefined;
}

const SPACE = 32;
/** Phrases in progress at once (a word may continue several phrases); more are dropped, which costs a rare match. */
const MAX_WALKERS = 8;
/**
 * Patterns look at this many characters of a text at most: each costs a scan, and they are many, where the trie reads
 * every word in one pass. What they look for (a code fence, an equation) shows early in a prompt when it shows at all.
 */
const PATTERN_CHARS = 1000;

/**
 * Letters, digits and `_`, in any script; punctuation and symbols (ASCII, Latin-1, General Punctuation, CJK) are not.
 */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95;
  if (c < 0xc0 || c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  return !(c >= 0xff00 && c <= 0xff20);
}

const node = (): TrieNode => ({ codes: [], kids: [], exact: undefined, prefix: undefined });

/** The child of `parent` for character `c`, if any. */
function step(parent: TrieNode, c: number): TrieNode | undefined {
  const { codes } = parent;
  for (let j = 0; j < codes.length; j++) if (codes[j] === c) return parent.kids[j];
  return undefined;
}

function child(parent: TrieNode, c: number): TrieNode {
  let next = step(parent, c);
  if (next === undefined) {
    parent.codes.push(c);
    parent.kids.push((next = node()));
  }
  return next;
}

/** Every word starts at the root, which has a child for most letters: index them by code instead of searching. */
const ROOT_TABLE = 0x250;

/** Lowercases a form and joins its words with single spaces, the way the scanner sees a text. */
function normalizeForm(form: string): { text: string; prefix: boolean } {
  let text = form.trim().toLowerCase();
  const prefix = text.endsWith('*');
  if (prefix) text = text.slice(0, -1);
  let out = '';
  let gap = false;
  for (const ch of text) {
    if (isWordChar(ch.charCodeAt(0))) {
      if (gap && out.length > 0) out += ' ';
      out += ch;
      gap = false;
    } else gap = true;
  }
  return { text: out, prefix };
}

/** Compiles the features of each class (class i = `classes[i]`) into one lexicon. */
export function compileLexicon(classes: ReadonlyArray<readonly Feature[]>): Lexicon {
  const root = node();
  const featureClass: number[] = [];
  const featureWeight: number[] = [];
  const patterns: Array<{ re: RegExp; feature: number }> = [];
  classes.forEach((features, cls) => {
    for (const feature of features) {
      const id = featureClass.length;
      featureClass.push(cls);
      featureWeight.push(feature.weight);
      if (feature.pattern !== undefined) {
        // A global or sticky regex keeps lastIndex between texts and would miss matches.
        const flags = feature.pattern.flags.replace(/[gy]/g, '');
        patterns.push({ re: new RegExp(feature.pattern.source, flags), feature: id });
      }
      for (const form of feature.words?.split('|') ?? []) {
        const { text, prefix } = normalizeForm(form);
        if (text.length === 0) continue;
        let at = root;
        for (let i = 0; i < text.length; i++) at = child(at, text.charCodeAt(i));
        if (prefix) (at.prefix ??= []).push(id);
        else (at.exact ??= []).push(id);
      }
    }
  });
  return createScanner(root, Int32Array.from(featureClass), Float64Array.from(featureWeight), patterns, classes.length);
}

function createScanner(
  root: TrieNode,
  featureClass: Int32Array,
  featureWeight: Float64Array,
  patterns: ReadonlyArray<{ re: RegExp; feature: number }>,
  classCount: number,
): Lexicon {
  // Scratch space reused by every call: a feature is counted when its stamp differs from the call's epoch.
  const stamps = new Int32Array(featureClass.length);
  const walkers: Array<TrieNode | undefined> = new Array<TrieNode | undefined>(MAX_WALKERS + 1).fill(undefined);
  const pending: TrieNode[] = new Array<TrieNode>(MAX_WALKERS).fill(root);
  const rootTable: Array<TrieNode | undefined> = new Array<TrieNode | undefined>(ROOT_TABLE).fill(undefined);
  root.codes.forEach((c, j) => {
    if (c < ROOT_TABLE) rootTable[c] = root.kids[j];
  });
  let epoch = 0;

  let classWeights: Float64Array | undefined;

  function fireOne(id: number, weight: number, scores: Float64Array): void {
    if (stamps[id] === epoch) return;
    stamps[id] = epoch;
    const cls = featureClass[id]!;
    scores[cls]! += featureWeight[id]! * weight * (classWeights === undefined ? 1 : classWeights[cls]!);
  }

  function fire(ids: readonly number[], weight: number, scores: Float64Array): void {
    for (const id of ids) fireOne(id, weight, scores);
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
      walkers[count++] = root;
      for (let k = 0; k < pendingCount; k++) walkers[count++] = pending[k];
      pendingCount = 0;
      let alive = count;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (!isWordChar(c)) break;
        if (alive === 0) continue;
        for (let k = 0; k < count; k++) {
          const at = walkers[k];
          if (at === undefined) continue;
          const next = at === root && c < ROOT_TABLE ? rootTable[c] : step(at, c);
          if (next === undefined) alive--;
          walkers[k] = next;
          if (next?.prefix !== undefined) fire(next.prefix, weight, scores);
        }
      }
      for (let k = 0; k < count; k++) {
        const at = walkers[k];
        if (at === undefined) continue;
        if (at.exact !== undefined) fire(at.exact, weight, scores);
        const phrase = step(at, SPACE);
        if (phrase !== undefined && pendingCount < MAX_WALKERS) pending[pendingCount++] = phrase;
      }
    }
    const head = text.length > PATTERN_CHARS ? text.slice(0, PATTERN_CHARS) : text;
    for (const { re, feature } of patterns) {
      if (stamps[feature] !== epoch && re.test(head)) fireOne(feature, weight, scores);
    }
  }

  return { classCount, score };
}
