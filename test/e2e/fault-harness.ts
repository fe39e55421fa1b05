// The fault matrix's cells: each fault a fake provider can show, what the failure policy promises for it, and one
// request through a gateway of its own in front of the faulty provider (and, when asked, a healthy one).
import OpenAI from 'openai';
import type { FakeReply } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { startTestGateway } from './harness.js';
import { provider } from './keys-harness.js';

/**
 * Small timeouts, so that no cell waits long, yet not so small that a loaded machine (the whole suite, other work)
 * makes a sound call miss them; every time bound below is derived from them.
 */
export const TIMEOUTS = { connectMs: 500, firstByteMs: 1_000, firstByteMinMs: 1_000, idleMs: 1_000 };
/** A circuit opens after two failed calls from two requests (the defaults need ten calls). */
const BREAKER = { breakerMinCalls: 2, breakerMinRequests: 2 };
/** How long a key rests after a 429 that gave no Retry-After. */
const COOLDOWN_MS = 2_000;
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
    alone: err(502, 'upstream_error'),
    withAlt: healthy,
  },
  {
    name: 'circuit open (after 2 failed requests)',
    reply: () => ({ type: 'error', status: 500 }),
    costMs: none,
    alone: err(503, 'provider_unavailable'),
    withAlt: healthy,
    warmups: BREAKER.breakerMinRequests,
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
    costMs: (stream) => (stream ? FINISH_WAIT_MS : TIMEOUTS.firstByteMs + TIMEOUTS.idleMs),
    alone: (stream) => (stream ? 'self' : { status: 504, code: 'upstream_timeout' }),
    withAlt: (stream) => (stream ? 'self' : 'healthy'),
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

export interface Outcome {
  status: number;
  text: string;
  servedBy: string | null;
  /** A chunk with content or a finish_reason came after the first finish_reason. */
  afterFinish: boolean;
  midStreamError: boolean;
  error?: { code?: string | null; type?: string; message?: string };
  /** Everything the client was told about the error, for looking for secrets and stack traces. */
  errorText: string;
  retryAfter: string | null;
  ms: number;
  /** Calls the measured request made to the faulty provider (the warm-ups' left out). */
  faultyCalls: number;
}

/** One request through a gateway of its own; the faulty provider is asked first, the healthy one (if any) next. */
export async function runCell(fault: Fault, stream: boolean, alt: boolean): Promise<Outcome> {
  const [faulty, sound] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  faulty.setFallback(fault.reply(stream));
  sound.setFallback({ type: 'text', text: HEALTHY_TEXT });
  const providers = [provider('faulty', 'openai', faulty, 0.9, { apiKeys: [FAULTY_KEY] })];
  if (alt) providers.push(provider('healthy', 'openai', sound, 0.5, { apiKeys: ['sk-healthy-6666ffff6666'] }));
  const accounts = { rateLimitCooldownMs: COOLDOWN_MS, ...BREAKER };
  const gw = await startTestGateway({ providers, timeouts: TIMEOUTS, accounts });
  try {
    for (let i = 0; i < (fault.warmups ?? 0); i++) await ask(gw.client, stream, alt, `warm-up ${i}`);
    const calls = () => faulty.requests.filter((r) => r.method === 'POST').length;
    const before = calls();
    const started = performance.now();
    const outcome = await ask(gw.client, stream, alt);
    const faultyCalls = calls() - before;
    return { ...outcome, ms: performance.now() - started, faultyCalls };
  } finally {
    await Promise.all([gw.close(), faulty.close(), sound.close()]);
  }
}

async function ask(
  client: OpenAI,
  stream: boolean,
  alt: boolean,
  prompt = 'hello',
): Promise<Omit<Outcome, 'ms' | 'faultyCalls'>> {
  const body = {
    model: 'faulty/faulty-chat',
    messages: [{ role: 'user' as const, content: prompt }],
    ...(alt ? { models: ['healthy/healthy-chat'] } : {}),
  };
  const base = { text: '', afterFinish: false, midStreamError: false, errorText: '', retryAfter: null };
  try {
    if (!stream) {
      const { data, response } = await client.chat.completions.create(body).withResponse();
      const servedBy = response.headers.get('x-switchboard-model');
      return { ...base, status: response.status, text: data.choices[0]?.message.content ?? '', servedBy };
    }
    const { data, response } = await client.chat.completions.create({ ...body, stream: true }).withResponse();
    const outcome = { ...base, status: response.status, servedBy: response.headers.get('x-switchboard-model') };
    let finished = false;
    try {
      for await (const chunk of data) {
        const choice = chunk.choices[0];
        if (finished && (choice?.delta.content || choice?.finish_reason)) outcome.afterFinish = true;
        outcome.text += choice?.delta.content ?? '';
        if (choice?.finish_reason) finished = true;
      }
    } catch (e) {
      if (!(e instanceof OpenAI.APIError)) throw e;
      return { ...outcome, midStreamError: true, error: e.error as Outcome['error'], errorText: describe(e) };
    }
    return outcome;
  } catch (e) {
    if (!(e instanceof OpenAI.APIError) || e.status === undefined) throw e;
    const error = e.error as Outcome['error'];
    return {
      ...base,
      status: e.status,
      servedBy: null,
      error,
      errorText: describe(e),
      retryAfter: e.headers?.get('retry-after') ?? null,
    };
  }
}

function describe(e: InstanceType<typeof OpenAI.APIError>): string {
  return `${e.message}\n${JSON.stringify(e.error)}`;
}
