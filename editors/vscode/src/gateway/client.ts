// The extension's HTTP client of the gateway: contextual chat (streamed), the coding agent's invoke / resume / thread /
// cancel, and a reachability probe. No VS Code API here, so it is tested against a real gateway.
import { errorOf, GatewayError } from './errors.js';
import { readChatStream } from './sse.js';
import type { AgentResponse, ChatAnswer, ContextualRequest, InvokeRequest, ThreadView } from './types.js';

/** Where the gateway is and which client key to send (none: the gateway's auth is off). */
export interface GatewayTarget {
  baseUrl: string;
  key: string | undefined;
}

/** The gateway's endpoints the extension calls. */
export interface GatewayClient {
  /** Streams the answer to `request`, calling `onDelta` per piece of text; resolves to the whole answer. */
  contextualChat(
    request: ContextualRequest,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<ChatAnswer>;
  invoke(request: InvokeRequest): Promise<AgentResponse>;
  resume(threadId: string, toolCallId: string, answer: string): Promise<AgentResponse>;
  thread(threadId: string): Promise<ThreadView>;
  cancel(threadId: string): Promise<void>;
  /** Whether the gateway answers at all (GET /health/live); never throws. */
  reachable(): Promise<boolean>;
}

/** The base URL without a trailing slash. */
export function baseOf(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A client of the gateway at `target` (read on every call, so a changed setting or key applies at once). */
export function createGatewayClient(target: () => Promise<GatewayTarget>): GatewayClient {
  async function call(method: string, route: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const { baseUrl, key } = await target();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['authorization'] = `Bearer ${key}`;
    let res: Response;
    try {
      res = await fetch(`${baseOf(baseUrl)}${route}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new GatewayError(`cannot reach ${baseUrl}: ${(err as Error).message}`, 0, 'unreachable');
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }
  const json = async <T>(method: string, route: string, body?: unknown): Promise<T> =>
    (await (await call(method, route, body)).json()) as T;
  const threadPath = (threadId: string) => `/v1/agents/threads/${encodeURIComponent(threadId)}`;

  return {
    async contextualChat(request, onDelta, signal) {
      const res = await call('POST', '/v1/contextual_chat/completions', { ...request, stream: true }, signal);
      let text = '';
      await readChatStream(res.body!, (delta) => {
        text += delta;
        onDelta(delta);
      });
      return {
        text,
        provider: res.headers.get('x-switchboard-provider') ?? undefined,
        model: res.headers.get('x-switchboard-model') ?? undefined,
        runId: res.headers.get('x-switchboard-run-id') ?? undefined,
      };
    },
    invoke: (request) => json<AgentResponse>('POST', '/v1/agents/code/invoke', request),
    resume: (threadId, toolCallId, answer) =>
      json<AgentResponse>('POST', '/v1/agents/resume', {
        thread_id: threadId,
        tool_call_id: toolCallId,
        human_response: answer,
      }),
    thread: (threadId) => json<ThreadView>('GET', threadPath(threadId)),
    async cancel(threadId) {
      await call('POST', `${threadPath(threadId)}/cancel`, {});
    },
    async reachable() {
      try {
        await call('GET', '/health/live');
        return true;
      } catch {
        return false;
      }
    },
  };
}
