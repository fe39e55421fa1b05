// The fault matrix's cases: each fault a fake provider can show, and what the failure policy promises for it, streamed
// or not, with a healthy alternative or alone; the time each may cost is derived from the configured timeouts.
import type { FakeReply } from '../fakes/fake-upstream.js';

/**
 * Small timeouts, so that no cell waits long, yet not so small that a loaded machine (the whole suite, other work)
 * makes a sound call miss them; every time bound below is derived from them.
 */
export const TIMEOUTS = { connectMs: 500, firstByteMs: 1_000, firstByteMinMs: 1_000, idleMs: 1_000 };
/**
 * The gateway's `accounts`: a key rests 2 s after a 429 that gave no Retry-After; a circuit opens after two failed
 * calls from two requests (the defaults need ten calls).
 */
export const ACCOUNTS = { rateLimitCooldownMs: 2_000, breakerMinCalls: 2, breakerMinRequests: 2 };
/** How long a stream that sent its finish_reason is waited for (docs/ROUTING.md: a second, or idleMs if shorter). */
const FINISH_WAIT_MS = Math.min(1_000, TIMEOUTS.idleMs);

export const FAULTY_KEY = 'sk-faulty-5555eeee5555';
const FAULTY_TEXT = 'faulty says hi';
export const HEALTHY_TEXT = 'healthy answer';

/** What the client must get when the faulty provider is the only one: an error, or the faulty one's own answer. */
type Alone = { status: number; code: string } | 'self' | 'mid-stream-error';

export interface Fault {
  name: string;
  reply(stream: boolean): FakeReply;
  /** The wait the policy allows this fault before the request moves on or ends: the configured timeout it trips. */
  costMs(stream: boolean): number;
  alone(stream: boolean): Alone;
  /** Who answers when a healthy alternative is there: it, the faulty one (its answer was whole), or both in turn. */
  withAlt(stream: boolean): 'healthy' | 'self' | 'continued';
  /** Requests (each a different prompt) sent before the measured one, e.g. to open the circuit. */
  warmups?: number;
}

const err = (status: number, code: string) => () => ({ status, code });
const none = () => 0;
const healthy = () => 'healthy' as const;
const raw = (contentType: string, body: string): FakeReply => ({ type: 'raw', contentType, body });
const sse = (...data: string[]) => raw('text/event-stream', data.map((d) => `data: ${d}\n\n`).join(''));
const slow = { delayMs: TIMEOUTS.firstByteMs / 2, chunkDelayMs: TIMEOUTS.idleMs / 4 };

export const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    reply: () => ({ type: 'error', status: 429, headers: { 'retry-after': '1' } }),
    costMs: none,
    alone: err(429, 'rate_limit_exceeded'),
    withAlt: healthy,
  },
  {
    name: '429 without Retry-After',
    reply: () => ({ type: 'error', status: 429 }),
    costMs: none,
    alone: err(429, 'rate_limit_exceeded'),
    withAlt: healthy,
  },
  {
    name: '401',
    reply: () => ({ type: 'error', status: 401 }),
    costMs: none,
    alone: err(502, 'upstream_auth_failed'),
    withAlt: healthy,
  },
  {
    name: '500',
    reply: () => ({ type: 'error', status: 500 }),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: '503 with Retry-After',
    reply: () => ({ type: 'error', status: 503, headers: { 'retry-after': '30' } }),
    costMs: none,
    alone: err(503, 'upstream_overloaded'),
    withAlt: healthy,
  },
  {
    name: 'circuit open (after 2 failed requests)',
    reply: () => ({ type: 'error', status: 500 }),
    costMs: none,
    alone: err(503, 'provider_unavailable'),
    withAlt: healthy,
    warmups: ACCOUNTS.breakerMinRequests,
  },
  {
    name: 'HTML page with 502',
    reply: () => ({ ...raw('text/html', '<html><body>502 Bad Gateway</body></html>'), status: 502 }),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'HTML page with 200',
    reply: () => raw('text/html', '<html><body><h1>Bad gateway</h1></body></html>'),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'malformed JSON / SSE',
    reply: (stream) => (stream ? sse('{"choices": [{"delta": ') : raw('application/json', '{"choices": [{"mess')),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'empty choices',
    reply: (stream) =>
      stream
        ? sse('{"id":"x","object":"chat.completion.chunk","choices":[]}', '[DONE]')
        : raw('application/json', '{"id":"x","object":"chat.completion","choices":[]}'),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'empty answer',
    // One choice with nothing in it (no text, tool call or refusal) that says it stopped: no answer either.
    reply: () => ({ type: 'text', text: '' }),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'whitespace-only answer',
    // Text that is only white space, then a stop: judged as empty, streamed or not (a stream is held until text).
    reply: () => ({ type: 'text', text: '\n\n  ' }),
    costMs: none,
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'hang before headers',
    reply: () => ({ type: 'hang' }),
    costMs: () => TIMEOUTS.firstByteMs,
    alone: err(504, 'upstream_timeout'),
    withAlt: healthy,
  },
  {
    name: 'silence after headers',
    reply: () => ({ type: 'hang', afterHeaders: true }),
    costMs: () => TIMEOUTS.firstByteMs + TIMEOUTS.idleMs,
    alone: err(504, 'upstream_timeout'),
    withAlt: healthy,
  },
  {
    name: 'broken stream / body',
    // A stream breaks after its role chunk and first word; a body breaks halfway.
    reply: (stream) =>
      stream
        ? { type: 'text', text: FAULTY_TEXT, failAfterEvents: { count: 2, how: 'break' } }
        : { type: 'text', text: FAULTY_TEXT, bodyFault: 'break' },
    costMs: none,
    alone: (stream) => (stream ? 'mid-stream-error' : { status: 502, code: 'upstream_error' }),
    withAlt: (stream) => (stream ? 'continued' : 'healthy'),
  },
  {
    name: 'finish then silence',
    // A stream goes silent after finish_reason (where the end should come); a body is whole but never ends.
    reply: (stream) =>
      stream
        ? { type: 'text', text: FAULTY_TEXT, failAfterEvents: { count: 5, how: 'stall' } }
        : { type: 'text', text: FAULTY_TEXT, bodyFault: 'stall' },
    // A stream is waited for a little after its finish_reason; a body is answered once it parses.
    costMs: (stream) => (stream ? FINISH_WAIT_MS : 0),
    alone: () => 'self',
    withAlt: () => 'self',
  },
  {
    name: 'slow (within timeouts)',
    reply: () => ({ type: 'text', text: FAULTY_TEXT, ...slow }),
    // role, three words, finish and the end: six events, each followed by the delay.
    costMs: (stream) => slow.delayMs + (stream ? 6 * slow.chunkDelayMs : 0),
    alone: () => 'self',
    withAlt: () => 'self',
  },
];

/** Room for a loaded machine on top of a fault's cost, derived from the same configured timeouts. */
export const MARGIN_MS = 2 * (TIMEOUTS.connectMs + TIMEOUTS.firstByteMs + TIMEOUTS.idleMs);
