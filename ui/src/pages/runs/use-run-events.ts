// Follows a run or an agent thread over /v1/ws: its stored events first (the replay), then live ones, resuming
// after the last seen seq when the connection drops.
import { useEffect, useState } from 'react';
import { storedKey } from '../../api/client';
import { mergeEvents, type RunEvent } from './run-state';

export type Target = { run_id: string } | { thread_id: string };

export interface FollowState {
  events: RunEvent[];
  connected: boolean;
  error: string | null;
}

/** The socket URL on this page's host, with the key as `token` (browsers cannot set headers on a WebSocket). */
function socketUrl(): string {
  const url = new URL('/v1/ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = storedKey();
  if (key !== undefined) url.searchParams.set('token', key);
  return url.toString();
}

export function useRunEvents(target: Target): FollowState {
  const [state, setState] = useState<FollowState>({ events: [], connected: false, error: null });
  const id = 'run_id' in target ? `run:${target.run_id}` : `thread:${target.thread_id}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `id` is the target; the object itself is new each render
  useEffect(() => {
    let socket: WebSocket | undefined;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let events: RunEvent[] = [];
    setState({ events, connected: false, error: null });
    const connect = () => {
      socket = new WebSocket(socketUrl());
      socket.onopen = () => {
        const lastSeq = events.at(-1)?.seq;
        const resume =
          'run_id' in target
            ? lastSeq === undefined
              ? {}
              : { after_seq: lastSeq }
            : lastSeq === undefined
              ? {}
              : { after_run_id: events.at(-1)!.run_id, after_seq: lastSeq };
        socket?.send(JSON.stringify({ type: 'subscribe', ...target, ...resume }));
        setState((s) => ({ ...s, connected: true, error: null }));
      };
      socket.onmessage = (message) => {
        const parsed = JSON.parse(String(message.data)) as { type: string; event?: RunEvent; message?: string };
        if (parsed.type === 'event' && parsed.event) {
          events = mergeEvents(events, [parsed.event]);
          setState((s) => ({ ...s, events }));
        } else if (parsed.type === 'error') setState((s) => ({ ...s, error: parsed.message ?? 'error' }));
      };
      socket.onclose = () => {
        setState((s) => ({ ...s, connected: false }));
        if (!closed) retry = setTimeout(connect, 1_000);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [id]);
  return state;
}
