// What a run's events say, folded into what the run view draws: each node's state, the edges taken (fallbacks and
// judge rejections included), the streamed text, the attempts that failed, and how the run ended (pure functions).

/** One event as /v1/ws delivers it (docs/EVENTS.md, docs/AGENTS.md). */
export interface RunEvent {
  run_id: string;
  thread_id?: string;
  seq: number;
  type: string;
  ts: number;
  node?: string;
  data: Record<string, unknown>;
}

export type NodeStatus = 'idle' | 'active' | 'done' | 'failed' | 'paused';

export interface FailedAttempt {
  node: string;
  model: string | undefined;
  /** A failure's kind and message, or a judge rejection's score. */
  reason: string;
}

export interface PendingInterrupt {
  toolCallId: string;
  question: string;
  kind: 'question' | 'approval';
  /** For an approval: the write's arguments (path, content) from its tool call. */
  args?: Record<string, unknown>;
}

export interface RunView {
  status: 'waiting' | 'running' | 'finished' | 'failed' | 'paused';
  nodes: Record<string, { status: NodeStatus; visits: number }>;
  /** `from>to` for every edge the run took; a fallback is an edge back to route (or agent). */
  taken: Set<string>;
  text: string;
  failures: FailedAttempt[];
  model?: string;
  attempts?: number;
  error?: string;
  interrupt?: PendingInterrupt;
}

/** The pseudo-nodes a run ends in. */
export const END_OK = 'respond';
export const END_FAILED = 'failed';

function emptyRunView(): RunView {
  return { status: 'waiting', nodes: {}, taken: new Set(), text: '', failures: [] };
}

/** The view after `events` (in seq order per run; a thread's runs one after another). */
export function foldRunEvents(events: readonly RunEvent[]): RunView {
  const view = emptyRunView();
  let last: string | undefined;
  const toolArgs = new Map<string, Record<string, unknown>>();
  const enter = (node: string, status: NodeStatus) => {
    if (last !== undefined && last !== node) view.taken.add(`${last}>${node}`);
    const state = (view.nodes[node] ??= { status: 'idle', visits: 0 });
    if (status === 'active') state.visits += 1;
    state.status = status;
    last = node;
  };
  for (const event of events) {
    const data = event.data ?? {};
    switch (event.type) {
      case 'run_started':
        view.status = 'running';
        view.interrupt = undefined;
        view.error = undefined;
        break;
      case 'node_started':
        if (event.node) enter(event.node, 'active');
        break;
      case 'node_finished':
        if (event.node && view.nodes[event.node])
          view.nodes[event.node]!.status = data['interrupted'] === true ? 'paused' : 'done';
        break;
      case 'attempt_failed': {
        const node = event.node ?? 'call';
        const reason =
          data['rejected'] === true
            ? `judge rejected (score ${String(data['score'] ?? '?')})`
            : `${String(data['kind'] ?? 'error')}: ${String(data['message'] ?? '')}`.trim();
        view.failures.push({ node, model: data['model'] as string | undefined, reason });
        if (view.nodes[node]) view.nodes[node]!.status = 'failed';
        break;
      }
      case 'token':
        view.text += String(data['text'] ?? '');
        break;
      case 'tool_call':
        toolArgs.set(String(data['tool_call_id']), (data['args'] as Record<string, unknown>) ?? {});
        break;
      case 'interrupt': {
        const toolCallId = String(data['tool_call_id']);
        const kind = data['kind'] === 'approval' ? 'approval' : 'question';
        const args = toolArgs.get(toolCallId);
        view.interrupt = { toolCallId, question: String(data['question'] ?? ''), kind, ...(args ? { args } : {}) };
        view.status = 'paused';
        break;
      }
      case 'run_finished':
        view.model = data['model'] as string | undefined;
        if (typeof data['attempts'] === 'number') view.attempts = data['attempts'];
        if (data['agent_status'] === 'requires_human_input') {
          view.status = 'paused';
          break;
        }
        enter(END_OK, 'done');
        view.status = 'finished';
        break;
      case 'run_failed': {
        const details = (data['error_details'] as { message?: string } | undefined)?.message;
        view.error = details ?? String(data['message'] ?? 'the run failed');
        enter(END_FAILED, 'failed');
        view.status = 'failed';
        break;
      }
    }
  }
  return view;
}

/** Adds `incoming` to `known` without duplicates (by run and seq), in arrival order. */
export function mergeEvents(known: readonly RunEvent[], incoming: readonly RunEvent[]): RunEvent[] {
  const seen = new Set(known.map((e) => `${e.run_id}#${e.seq}`));
  const added = incoming.filter((e) => !seen.has(`${e.run_id}#${e.seq}`));
  return added.length === 0 ? (known as RunEvent[]) : [...known, ...added];
}
