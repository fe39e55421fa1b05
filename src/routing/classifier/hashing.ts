// Feature hashing for the learned classifier: word unigrams and bigrams and character trigrams of a text, each
// hashed into one of 2^bits buckets with no string built per feature, then sublinear tf (1 + ln count) and l2 norm.

/** The hashed features of a text: `length` pairs of bucket and value, in buffers (and an object) reused by the next call. */
export interface HashedFeatures {
  indices: Int32Array;
  values: Float32Array;
  length: number;
}

/** Adds weighted texts, then `finish` normalises them into one vector. */
export interface FeatureHasher {
  readonly buckets: number;
  /** Adds the features of `lowerText` (already lowercased), each counting `weight`; char n-grams only when asked. */
  add(lowerText: string, weight: number, charGrams: boolean): void;
  /** The features added since the last `finish`, l2-normalised; clears the hasher for the next text. */
  finish(): HashedFeatures;
}

/** Most distinct features a vector keeps; a longer text's later features are dropped (prompts are windowed first). */
const MAX_FEATURES = 16_384;
/**
 * Seeds that keep the kinds of feature apart: the word `the` and the trigram `the` are different features. (Character
 * 4-grams as well scored no better on the validation slice and cost a third more time.)
 */
const WORD = 0x9e3779b1 | 0;
const BIGRAM = 0x85ebca6b | 0;
const CHAR3 = 0xc2b2ae35 | 0;

const step = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

/** Murmur3's finaliser: spreads the bits of an FNV-style hash before it is masked to a bucket. */
function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Letters and digits of any script continue a word; CJK ideographs and kana are words of one character each. */
function charClass(c: number): 0 | 1 | 2 {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 ? 1 : 0;
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) return 2;
  if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f)) return 0;
  return c === 0xa0 || c === 0xab || c === 0xbb || c === 0xbf || c === 0xa1 ? 0 : 1;
}

/** A hasher into 2^bits buckets. Deterministic: the same text always gives the same buckets and values. */
export function createFeatureHasher(bits: number): FeatureHasher {
  const buckets = 1 << bits;
  const mask = buckets - 1;
  const counts = new Float32Array(buckets);
  const touched = new Int32Array(MAX_FEATURES);
  const values = new Float32Array(MAX_FEATURES);
  let length = 0;
  const result: HashedFeatures = { indices: touched, values, length: 0 };

  const bump = (h: number, weight: number): void => {
    const i = finalise(h) & mask;
    if (counts[i] === 0) {
      if (length === MAX_FEATURES) return;
      touched[length++] = i;
    }
    counts[i]! += weight;
  };

  function add(text: string, weight: number, charGrams: boolean): void {
    let word = WORD;
    let inWord = false;
    let previous = 0;
    let hasPrevious = false;
    // The last two characters, digits as 0 and whitespace runs as one space, for the character trigrams.
    let c2 = 32;
    let c3 = 32;
    for (let i = 0; i <= text.length; i++) {
      let c = i < text.length ? text.charCodeAt(i) : 32;
      if (c >= 48 && c <= 57) c = 48;
      else if (c === 9 || c === 10 || c === 13) c = 32;
      const kind = charClass(c);
      if (kind === 1) {
        word = step(word, c);
        inWord = true;
      } else if (inWord || kind === 2) {
        // The word in progress ends (pass 0), and a CJK character is a word of its own (pass 1). Written inline, not
        // as a closure over these locals, which kept them in a heap context instead of registers for the whole loop.
        for (let pass = inWord ? 0 : 1; pass <= (kind === 2 ? 1 : 0); pass++) {
          if (pass === 1) word = step(word, c);
          bump(word, weight);
          if (hasPrevious) bump(step(step(BIGRAM, previous), word), weight);
          previous = word;
          hasPrevious = true;
          word = WORD;
        }
        inWord = false;
      }
      if (!charGrams || (c === 32 && c3 === 32)) continue;
      bump(step(step(step(CHAR3, c2), c3), c), weight);
      c2 = c3;
      c3 = c;
    }
  }

  function finish(): HashedFeatures {
    let norm = 0;
    for (let k = 0; k < length; k++) {
      const i = touched[k]!;
      const count = counts[i]!;
      counts[i] = 0;
      const value = count > 1 ? 1 + Math.log(count) : count;
      values[k] = value;
      norm += value * value;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < length; k++) values[k]! *= scale;
    result.length = length;
    length = 0;
    return result;
  }

  return { buckets, add, finish };
}
