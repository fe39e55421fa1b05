// The judge's repetition check: a degenerate loop, found in linear time (no backtracking regexes).
import type { Answer, Failure } from './types.js';

/** Only the end of a long answer is searched for a looping tail: a loop runs until the token limit stops it. */
const TAIL_WINDOW = 4000;
/** Periods longer than this are not a "loop" but repeated paragraphs, which the segment count catches. */
const MAX_PERIOD = 300;
/** A tail loop is at least this long and repeats its period at least this often. */
const MIN_LOOP_CHARS = 200;
const MIN_LOOP_REPEATS = 4;
/**
 * The sentence and n-gram counts read at most this much of the prose, from its end (where a loop runs to the limit).
 */
const SCAN_WINDOW = 12_000;
/** Sentences and lines shorter than this repeat legitimately ("Yes.", "}", "---"). */
const MIN_SEGMENT = 20;
/** One sentence or line repeated this often, and making up this share of the prose, is a loop. */
const MIN_SEGMENT_REPEATS = 5;
const MIN_SEGMENT_SHARE = 0.25;
/** Word n-grams: a long answer where fewer than half of them are distinct is going round in circles. */
const NGRAM = 4;
const MIN_NGRAMS = 80;
const MIN_DISTINCT_SHARE = 0.5;
/**
 * Prose shorter than this can fail neither count: five segments of 20 characters take 100, and 80 n-grams take 83
 * words (165 characters at the least). Most answers are this short and skip the scan.
 */
const SHORTEST_REPEATING = MIN_SEGMENT * MIN_SEGMENT_REPEATS;

/**
 * Degenerate repetition: 0.2. The answer ends in a short period repeated many times ("no no no no ...", the same
 * line over and over), one sentence or line makes up a quarter of it, or most of its word 4-grams are repeats.
 * `prose` is the answer without code (repeated lines are normal in code).
 */
export function checkRepetition(answer: Answer, prose: string): Failure | undefined {
  const loop = tailLoop(answer.content);
  if (loop !== undefined) {
    return { score: 0.2, reason: `repetition loop: ${quote(loop.unit)} repeated ${loop.repeats} times at the end` };
  }
  if (prose.length < SHORTEST_REPEATING) return undefined;
  const scanned = prose.length > SCAN_WINDOW ? prose.slice(-SCAN_WINDOW) : prose;
  const stats = scanProse(scanned);
  const segment = stats.segment;
  if (
    segment !== undefined &&
    (segment.repeats * (segment.end - segment.start)) / scanned.length >= MIN_SEGMENT_SHARE
  ) {
    const unit = scanned.slice(segment.start, segment.end);
    return { score: 0.2, reason: `repetition loop: ${quote(unit)} repeated ${segment.repeats} times` };
  }
  if (stats.ngrams >= MIN_NGRAMS && stats.distinctNgrams / stats.ngrams < MIN_DISTINCT_SHARE) {
    const share = Math.round((stats.distinctNgrams / stats.ngrams) * 100);
    return { score: 0.2, reason: `repetition loop: only ${share}% of word ${NGRAM}-grams distinct` };
  }
  return undefined;
}

/**
 * The shortest period that the end of `text` repeats, when it makes a loop. The Z-function of the reversed tail
 * gives, for every shift p, how far the tail agrees with itself shifted by p: the length of the tail's p-periodic run.
 * A tail cut mid-period still counts (the cut part is a rotation of the period). O(window).
 */
export function tailLoop(text: string): { unit: string; repeats: number } | undefined {
  const end = text.trimEnd().length;
  const n = Math.min(end, TAIL_WINDOW);
  if (n < MIN_LOOP_CHARS) return undefined;
  // The reversed tail's i-th character is text[last - i].
  const last = end - 1;
  const limit = Math.min(MAX_PERIOD, Math.floor(n / MIN_LOOP_REPEATS));
  const z = new Int32Array(limit + 1);
  let left = 0;
  let right = 0;
  for (let p = 1; p <= limit; p++) {
    let k = p < right ? Math.min(right - p, z[p - left]!) : 0;
    while (p + k < n && text.charCodeAt(last - k) === text.charCodeAt(last - p - k)) k++;
    z[p] = k;
    if (p + k > right) {
      left = p;
      right = p + k;
    }
    const run = p + k;
    if (run >= MIN_LOOP_CHARS && run >= MIN_LOOP_REPEATS * p) {
      return { unit: rotateToBoundary(text.slice(end - p, end)), repeats: Math.floor(run / p) };
    }
  }
  return undefined;
}

/** What one pass over the prose finds: its most repeated sentence or line, and its word n-grams. */
interface ProseStats {
  segment?: { start: number; end: number; repeats: number };
  ngrams: number;
  distinctNgrams: number;
}

/**
 * One pass, no allocation per word: sentences and lines are hashed as they are read (lower-cased, whitespace
 * collapsed) and counted by hash; each word is hashed, and each run of NGRAM word hashes is hashed into a set.
 * A hash collision could only merge two counts, which would need several to matter.
 */
function scanProse(prose: string): ProseStats {
  const segments = new Map<number, number>();
  const grams = distinctCounter();
  const recent = [0, 0, 0, 0];
  let best: ProseStats['segment'];
  let segHash = FNV; // the current sentence or line: its hash, normalised length, start, and a pending space
  let segLen = 0;
  let segStart = 0;
  let space = false;
  let wordHash = FNV; // the current word, and counts of words and n-grams so far
  let inWord = false;
  let words = 0;
  let ngrams = 0;
  for (let i = 0; i <= prose.length; i++) {
    const code = i < prose.length ? prose.charCodeAt(i) : 10;
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    const wordChar = (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) || isWordCode(lower);
    if (wordChar) wordHash = Math.imul(wordHash ^ lower, PRIME);
    else if (inWord) {
      recent[words++ % NGRAM] = wordHash;
      if (words >= NGRAM) {
        // Order-sensitive mix of the last NGRAM word hashes (the ring's slots rotate, so mix them oldest first).
        let gram = FNV;
        for (let k = 0; k < NGRAM; k++) gram = Math.imul(gram ^ recent[(words + k) % NGRAM]!, PRIME);
        grams.add(gram);
        ngrams++;
      }
      wordHash = FNV;
    }
    inWord = wordChar;
    if (isSegmentEnd(code)) {
      if (segLen >= MIN_SEGMENT) {
        const repeats = (segments.get(segHash) ?? 0) + 1;
        segments.set(segHash, repeats);
        if (repeats >= MIN_SEGMENT_REPEATS && (best === undefined || repeats > best.repeats))
          best = { start: segStart, end: i, repeats };
      }
      segHash = FNV;
      segLen = 0;
      segStart = i + 1;
      space = false;
    } else if (code === 32 || code === 9 || code === 13) {
      space = segLen > 0;
    } else {
      if (space) segHash = Math.imul(segHash ^ 32, PRIME);
      if (segLen === 0) segStart = i;
      segLen += space ? 2 : 1;
      segHash = Math.imul(segHash ^ lower, PRIME);
      space = false;
    }
  }
  // Not `{ ...(best && { segment }), ngrams }`: a literal that starts with a spread and adds fields makes a new hidden
  // class at every call on Node 20 (docs/BENCHMARKS.md, "Hidden classes made per request").
  const found = { ngrams, distinctNgrams: grams.size() };
  return best ? { segment: best, ...found } : found;
}

/**
 * The n-gram hashes scanProse can meet in one scan (one per word: a word takes two characters, its end included), and
 * the size of the table that counts them: a power of two at least twice that, so that probes stay short.
 */
const MAX_GRAMS = Math.ceil((SCAN_WINDOW + 1) / 2);
const GRAM_SLOTS = 1 << Math.ceil(Math.log2(MAX_GRAMS * 2));
/** The table's hashes, and the scan each slot was last filled in (a slot of an older scan is empty). */
const gramSlots = new Int32Array(GRAM_SLOTS);
const gramScans = new Uint32Array(GRAM_SLOTS);
let gramScan = 0;

/**
 * Counts distinct 32-bit hashes as a Set would, in a table kept across scans (open addressing, linear probing): no
 * allocation per scan or per hash. One counter at a time: each call starts a new scan, which empties the table.
 */
function distinctCounter(): { add(hash: number): void; size(): number } {
  if (++gramScan > 0xffffffff) {
    gramScans.fill(0);
    gramScan = 1;
  }
  const scan = gramScan;
  let size = 0;
  return {
    add(hash) {
      let slot = (hash ^ (hash >>> 16)) & (GRAM_SLOTS - 1);
      while (gramScans[slot] === scan) {
        if (gramSlots[slot] === hash) return;
        slot = (slot + 1) & (GRAM_SLOTS - 1);
      }
      gramScans[slot] = scan;
      gramSlots[slot] = hash;
      size++;
    },
    size: () => size,
  };
}

const FNV = 0x811c9dc5 | 0;
const PRIME = 0x01000193;

/** Letters and digits beyond ASCII, roughly: anything from Latin-1 letters up, minus common punctuation blocks. */
function isWordCode(code: number): boolean {
  if (code < 0xc0) return false;
  return !(
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0xff00 && code <= 0xff0f)
  );
}

function isSegmentEnd(code: number): boolean {
  return (
    code === 10 || code === 46 || code === 33 || code === 63 || code === 0x3002 || code === 0xff01 || code === 0xff1f
  );
}

/** The same period, rotated to start after a sentence end or else a space: a loop cut mid-word reads better so. */
function rotateToBoundary(unit: string): string {
  const boundary = /[.!?\n]\s*/.exec(unit) ?? /\s+/.exec(unit);
  if (boundary === null) return unit;
  const at = boundary.index + boundary[0].length;
  return at >= unit.length ? unit : unit.slice(at) + unit.slice(0, at);
}

function quote(unit: string): string {
  const flat = unit.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 40 ? `${flat.slice(0, 40)}…` : flat);
}
