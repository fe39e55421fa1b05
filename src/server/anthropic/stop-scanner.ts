// Watches an answer's text for the client's stop sequences: upstreams that cut at one do not say which (OpenAI's
// finish_reason is `stop` either way), and take at most 4; the door cuts at the first one itself and names it.

/** What the scanner lets through of a piece of text, and the stop sequence it met, if any. */
export interface Scanned {
  /** The text that can be sent now. */
  text: string;
  /** The stop sequence met: the text ends before it, and nothing after it may be sent. */
  matched?: string;
}

/**
 * A scanner over text that arrives in pieces. It holds back the end of the text that could start a stop sequence,
 * until the next piece shows whether it does; `flush` gives it up at the end.
 */
export class StopScanner {
  private held = '';
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(0, ...sequences.map((s) => s.length));
  }

  push(piece: string): Scanned {
    if (this.sequences.length === 0) return { text: piece };
    const text = this.held + piece;
    const found = firstMatch(text, this.sequences);
    if (found !== undefined) {
      this.held = '';
      return { text: text.slice(0, found.at), matched: found.sequence };
    }
    // Keep the longest tail that is a prefix of some sequence: the next piece may complete it.
    let keep = Math.min(this.longest - 1, text.length);
    while (keep > 0 && !this.sequences.some((s) => s.startsWith(text.slice(text.length - keep)))) keep--;
    this.held = text.slice(text.length - keep);
    return { text: text.slice(0, text.length - keep) };
  }

  /** The text held back, at the end of the answer. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}

/** Where the earliest stop sequence starts in `text` (the longest one when two start there). */
export function firstMatch(text: string, sequences: readonly string[]): { at: number; sequence: string } | undefined {
  let best: { at: number; sequence: string } | undefined;
  for (const sequence of sequences) {
    const at = text.indexOf(sequence);
    if (at < 0) continue;
    if (best === undefined || at < best.at || (at === best.at && sequence.length > best.sequence.length))
      best = { at, sequence };
  }
  return best;
}
