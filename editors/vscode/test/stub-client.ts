// A GatewayClient that answers from scripts and records the calls: the unit tests' stand-in for the gateway.
import type { GatewayClient } from '../src/gateway/client.js';
import type { AgentResponse, ChatAnswer, ContextualRequest, InvokeRequest, ThreadView } from '../src/gateway/types.js';

/** An agent answer with defaults. */
export function agentAnswer(over: Partial<AgentResponse>): AgentResponse {
  return {
    thread_id: 'th',
    run_id: 'run_1',
    agent_status: 'completed',
    generated_code: null,
    explanation: null,
    human_input_request: null,
    request_params: {},
    model_used: 'alpha/alpha-chat',
    error_details: null,
    files_written: [],
    ...over,
  };
}

/** The stub and what it saw. */
export function stubClient() {
  const calls = {
    chats: [] as ContextualRequest[],
    invokes: [] as InvokeRequest[],
    resumes: [] as { threadId: string; toolCallId: string; answer: string }[],
  };
  const script = {
    /** The deltas of the next chat answers, or an error to throw. */
    chats: [] as ({ deltas: string[]; provider?: string; model?: string } | Error)[],
    invoke: undefined as AgentResponse | Error | undefined,
    resumes: [] as AgentResponse[],
    thread: undefined as ThreadView | undefined,
  };
  const client: GatewayClient = {
    async contextualChat(request, onDelta): Promise<ChatAnswer> {
      calls.chats.push(request);
      const next = script.chats.shift() ?? { deltas: ['ok'] };
      if (next instanceof Error) throw next;
      for (const delta of next.deltas) onDelta(delta);
      return { text: next.deltas.join(''), provider: next.provider, model: next.model, runId: 'run_c' };
    },
    async invoke(request) {
      calls.invokes.push(request);
      if (script.invoke instanceof Error) throw script.invoke;
      return script.invoke ?? agentAnswer({});
    },
    async resume(threadId, toolCallId, answer) {
      calls.resumes.push({ threadId, toolCallId, answer });
      return script.resumes.shift() ?? agentAnswer({});
    },
    async thread() {
      return script.thread!;
    },
    cancel: async () => undefined,
    reachable: async () => true,
  };
  return { client, calls, script };
}
