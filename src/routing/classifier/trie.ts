// The lexicon's trie of word forms (lexicon.ts): built from nodes as forms are added, then flattened into typed arrays,
// which the scan of a text reads instead of chasing node objects across the heap (a third of a long prompt's classify
// time went to that walk, most of it cache misses).

interface TrieNode {
  /** Children: parallel arrays of character codes and nodes, searched linearly (most nodes have one to three). */
  codes: number[];
  kids: TrieNode[];
  /** Features whose form ends exactly here (at the end of a word). */
  exact: number[] | undefined;
  /** Features whose form is a prefix ending here (`word*`). */
  prefix: number[] | undefined;
}

/** Node 0 is the root. */
export interface FlatTrie {
  /** Node n's children: their codes and nodes at [first[n], first[n + 1]). */
  first: Int32Array;
  codes: Int32Array;
  kids: Int32Array;
  /**
   * The root's child per character code below its length, or -1: every word starts at the root, which has a child for
   * most letters, so they are indexed by code instead of searched.
   */
  rootTable: Int32Array;
  /** Node n's child for the space between a phrase's words, or -1. */
  space: Int32Array;
  /** Node n's features: exact ones at [exactFrom[n], exactFrom[n + 1]) of `exact`, `word*` ones likewise. */
  exactFrom: Int32Array;
  exact: Int32Array;
  prefixFrom: Int32Array;
  prefix: Int32Array;
}

const SPACE = 32;
const ROOT_TABLE = 0x250;

/**
 * Letters, digits and `_`, in any script; punctuation and symbols (ASCII, Latin-1, General Punctuation, CJK) are not.
 */
export function isWordChar(c: number): boolean {
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

/** A trie being built: `add` a form (a trailing `*` makes it a prefix) for feature `id`, then `flatten` it. */
export function createTrie(): { add(form: string, id: number): void; flatten(): FlatTrie } {
  const root = node();
  function add(form: string, id: number): void {
    const { text, prefix } = normalizeForm(form);
    if (text.length === 0) return;
    let at = root;
    for (let i = 0; i < text.length; i++) at = child(at, text.charCodeAt(i));
    if (prefix) (at.prefix ??= []).push(id);
    else (at.exact ??= []).push(id);
  }
  return { add, flatten: () => flatten(root) };
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
