// The fault matrix's cells: one request through a gateway of its own in front of a provider showing a fault (the
// cases in fault-cases.ts) and, when asked, a healthy one.
import OpenAI from 'openai';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { ACCOUNTS, FAULTY_KEY, HEALTHY_TEXT, TIMEOUTS, type Fault } from './fault-cases.js';
import { startTestGateway } from './harness.js';
import { provider } from './keys-harness.js';

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
  const gw = await startTestGateway({ providers, timeouts: TIMEOUTS, accounts: ACCOUNTS });
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
