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

/**
 * The trie in flat typed arrays, node 0 the root: a scan then reads a few small, contiguous arrays instead of chasing
 * node objects across the heap (a third of a long prompt's classify time went to that walk, most of it cache misses).
 */
interface FlatTrie {
  /** Node n's children: their codes and nodes at [first[n], first[n + 1]). */
  first: Int32Array;
  codes: Int32Array;
  kids: Int32Array;
  /** The root's child per character code below ROOT_TABLE, or -1. */
  rootTable: Int32Array;
  /** Node n's child for the space between a phrase's words, or -1. */
  space: Int32Array;
  /** Node n's features: exact ones at [exactFrom[n], exactFrom[n + 1]) of `exact`, `word*` ones likewise. */
  exactFrom: Int32Array;
  exact: Int32Array;
  prefixFrom: Int32Array;
  prefix: Int32Array;
}

function flatten(root: TrieNode): FlatTrie {
  const nodes = [root];
  const ids = new Map<TrieNode, number>([[root, 0]]);
  for (let n = 0; n < nodes.length; n++)
    for (const kid of nodes[n]!.kids) {
      ids.set(kid, nodes.length);
      nodes.push(kid);
    }
  const from = (list: (node: TrieNode) => readonly number[]): Int32Array => {
    const starts = new Int32Array(nodes.length + 1);
    nodes.forEach((node, n) => {
      starts[n + 1] = starts[n]! + list(node).length;
    });
    return starts;
  };
  const rootTable = new Int32Array(ROOT_TABLE).fill(-1);
  root.codes.forEach((c, j) => {
    if (c < ROOT_TABLE) rootTable[c] = ids.get(root.kids[j]!)!;
  });
  return {
    first: from((node) => node.codes),
    codes: Int32Array.from(nodes.flatMap((node) => node.codes)),
    kids: Int32Array.from(nodes.flatMap((node) => node.kids.map((kid) => ids.get(kid)!))),
    rootTable,
    space: Int32Array.from(nodes, (node) => {
      const kid = step(node, SPACE);
      return kid === undefined ? -1 : ids.get(kid)!;
    }),
    exactFrom: from((node) => node.exact ?? []),
    exact: Int32Array.from(nodes.flatMap((node) => node.exact ?? [])),
    prefixFrom: from((node) => node.prefix ?? []),
    prefix: Int32Array.from(nodes.flatMap((node) => node.prefix ?? [])),
  };
}

function createScanner(
  root: TrieNode,
  featureClass: Int32Array,
  featureWeight: Float64Array,
  patterns: ReadonlyArray<{ re: RegExp; feature: number }>,
  classCount: number,
): Lexicon {
  const { first, codes, kids, rootTable, space, exactFrom, exact, prefixFrom, prefix } = flatten(root);
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
    if (at === 0 && c < ROOT_TABLE) return rootTable[c]!;
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
    for (const { re, feature } of patterns) {
      if (stamps[feature] !== epoch && re.test(head)) fireOne(feature, weight, scores);
    }
  }

  return { classCount, score };
}
