// Follows an agent thread's events over /v1/ws and shows the agent at work: a status line (what it does now) and a
// line per tool call's result, per fallback to another model.
import WebSocket from 'ws';
import type { EventPayloads } from '../events/payloads.js';
import { gatewayBase, keyFor, type GatewayOptions } from './gateway-client.js';
import { color, type Out } from './output.js';

/** A thread followed: wait for a run's last event before printing after it, then close. */
export interface ThreadFollower {
  /** Resolves once the run's run_finished or run_failed arrived (or after `waitMs`, when events are slow or gone). */
  settled(runId: string, waitMs?: number): Promise<void>;
  close(): void;
}

type AnyEvent = {
  [K in keyof EventPayloads]: { run_id: string; type: K; data: EventPayloads[K] };
}[keyof EventPayloads];

/**
 * Subscribes to `threadId` (before its run starts, so nothing is missed) and shows its events on `out`. Resolves to
 * undefined when /v1/ws cannot be reached or refuses the key: the command then works without progress lines.
 */
export async function followThread(
  options: GatewayOptions,
  threadId: string,
  progress: Progress,
): Promise<ThreadFollower | undefined> {
  // The key the HTTP calls send (gatewayRequest's default), so the socket sees the same runs.
  const key = keyFor(options, 'any');
  const url = `${gatewayBase(options).replace(/^http/, 'ws')}/v1/ws`;
  const socket = new WebSocket(url, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
  const ended = new Set<string>();
  const waiters = new Map<string, () => void>();
  const show = describer(progress);
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; event?: AnyEvent };
    if (message.type !== 'event' || message.event === undefined) return;
    const { event } = message;
    show(event);
    if (event.type === 'run_finished' || event.type === 'run_failed') {
      ended.add(event.run_id);
      waiters.get(event.run_id)?.();
    }
  });
  const open = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!open) return undefined;
  socket.on('error', () => undefined);
  socket.send(JSON.stringify({ type: 'subscribe', thread_id: threadId }));
  await new Promise<void>((resolve) => {
    const onSubscribed = (data: WebSocket.RawData) => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'subscribed') return;
      socket.off('message', onSubscribed);
      resolve();
    };
    socket.on('message', onSubscribed);
    socket.once('close', () => resolve());
  });
  return {
    settled(runId, waitMs = 5_000) {
      if (ended.has(runId) || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        waiters.set(runId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () => socket.close(),
  };
}

/** What each event shows: the status line while the agent works, a line for what it did. */
function describer(progress: Progress): (event: AnyEvent) => void {
  const calls = new Map<string, Record<string, unknown>>();
  return (event) => {
    if (event.type === 'route_decided') progress.status(`Thinking (${event.data.plan[0]?.model ?? 'auto'})`);
    else if (event.type === 'node_started') progress.status('Thinking');
    else if (event.type === 'attempt_failed') {
      const data = event.data;
      const why = 'rejected' in data ? 'answer rejected by the judge' : 'kind' in data ? data.kind : 'stream broke';
      progress.line(color.dim(`  ${data.model} failed (${why}): trying another model`));
    } else if (event.type === 'tool_call') {
      calls.set(event.data.tool_call_id, event.data.args);
      if (event.data.name !== 'ask_human_for_input')
        progress.status(`${verb(event.data.name)} ${target(event.data.args)}`);
    } else if (event.type === 'tool_result' && event.data.name !== 'ask_human_for_input') {
      const args = calls.get(event.data.tool_call_id) ?? {};
      const ok = event.data.status === 'success';
      const what = `${verb(event.data.name, true)} ${target(args)}`;
      const why = ok ? '' : color.dim(`: ${event.data.content.split('\n')[0]!.slice(0, 120)}`);
      progress.line(`${ok ? color.green('✓') : color.red('✗')} ${what}${why}`);
    } else if (event.type === 'interrupt' || event.type === 'run_finished' || event.type === 'run_failed')
      progress.clear();
  };
}

function verb(tool: string, done = false): string {
  const verbs: Record<string, [string, string]> = {
    read_file: ['Reading', 'read'],
    write_file: ['Writing', 'wrote'],
    list_files: ['Listing', 'listed'],
  };
  const pair = verbs[tool] ?? [`Running ${tool}`, tool];
  return done ? pair[1] : pair[0];
}

function target(args: Record<string, unknown>): string {
  const path = args['filepath'] ?? args['directory_path'];
  return typeof path === 'string' && path !== '' ? path : '.';
}

/** Where progress goes: a status line redrawn in place on a terminal, plain lines elsewhere. */
export interface Progress {
  /** What the agent does now (a terminal only: elsewhere it is not printed). */
  status(text: string): void;
  /** A line that stays. */
  line(text: string): void;
  /** Removes the status line, before a question or the summary. */
  clear(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress on `out`; `terminal`: the status line is drawn and animated, else only lines are written. */
export function createProgress(out: Out & { columns?: number }, terminal: boolean): Progress {
  let current: string | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    if (current === undefined) return;
    const width = Math.max(20, (out.columns ?? 80) - 4);
    out.write(`\r\x1b[K${color.cyan(FRAMES[frame % FRAMES.length]!)} ${current.slice(0, width)}`);
    frame += 1;
  };
  const erase = () => {
    if (current !== undefined) out.write('\r\x1b[K');
  };
  return {
    status(text) {
      if (!terminal) return;
      current = text;
      timer ??= setInterval(draw, 100).unref();
      draw();
    },
    line(text) {
      erase();
      out.write(`${text}\n`);
      draw();
    },
    clear() {
      erase();
      current = undefined;
      clearInterval(timer);
      timer = undefined;
    },
  };
}
