// Steady traffic for the fleet tests: clients each sending one request after another (streams and non-streams in
// turn), retrying a failed one up to three times as a careful client does, and counting what they saw.
import type OpenAI from 'openai';

/** What the fake upstream answers during the traffic (its fallback reply's text). */
export const TRAFFIC_TEXT = 'a b c d';

/** A failed attempt as a client saw it. */
export interface TrafficFailure {
  stream: boolean;
  message: string;
}

/** What the traffic measured. */
export interface TrafficFigures {
  /** Requests answered in full. */
  served: number;
  /** Failed attempts (each was retried). */
  failed: number;
  /** The longest time with no request completing anywhere, in ms. */
  longestGapMs: number;
  durationMs: number;
}

export interface Traffic {
  /** Requests answered in full so far. */
  count(): number;
  /** Resolves once `n` requests were answered in full. */
  served(n: number): Promise<void>;
  /** Streams in flight right now. */
  inFlightStreams(): number;
  /** Lets each client finish its request, then reports. */
  stop(): Promise<{ failures: TrafficFailure[]; unanswered: number; figures: TrafficFigures }>;
}

const ATTEMPTS = 3;

/** Starts `clients` loops on `client`, each asking `alpha/alpha-chat` until stopped. */
export function runTraffic(client: OpenAI, { clients }: { clients: number }): Traffic {
  const started = Date.now();
  const completions: number[] = [];
  const failures: TrafficFailure[] = [];
  const waiters = new Set<() => void>();
  let unanswered = 0;
  let streams = 0;
  let stopping = false;

  async function once(stream: boolean): Promise<string> {
    const request = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'hi' }] };
    if (!stream) return (await client.chat.completions.create(request)).choices[0]?.message.content ?? '';
    let text = '';
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
      text += chunk.choices[0]?.delta.content ?? '';
    return text;
  }

  async function loop(first: number): Promise<void> {
    for (let i = first; !stopping; i++) {
      const stream = i % 2 === 0;
      let answered = false;
      for (let attempt = 0; attempt < ATTEMPTS && !answered; attempt++) {
        if (stream) streams++;
        try {
          const text = await once(stream);
          answered = text === TRAFFIC_TEXT;
          if (!answered) failures.push({ stream, message: `answer cut short: ${JSON.stringify(text)}` });
        } catch (err) {
          failures.push({ stream, message: err instanceof Error ? err.message : String(err) });
        } finally {
          if (stream) streams--;
        }
      }
      if (!answered) unanswered++;
      else completions.push(Date.now());
      for (const waiter of waiters) waiter();
    }
  }

  const loops = Array.from({ length: clients }, (_, i) => loop(i));
  return {
    count: () => completions.length,
    served: (n) =>
      new Promise((resolve) => {
        const check = () => {
          if (completions.length < n) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    inFlightStreams: () => streams,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      const times = [started, ...completions];
      const longestGapMs = Math.max(...times.slice(1).map((time, i) => time - times[i]!));
      const figures = {
        served: completions.length,
        failed: failures.length,
        longestGapMs,
        durationMs: Date.now() - started,
      };
      return { failures, unanswered, figures };
    },
  };
}
