// @vitest-environment jsdom
// An agent thread waiting for an approval: the page shows the file path and content the agent wants to write (from
// the run's events over /v1/ws), and Approve or Decline resumes the thread with that answer.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubGateway } from '../keys/testing';
import type { RunEvent } from './run-state';
import ThreadPage from './ThreadPage';

const THREAD = 'thread_approval_1';
let seq = 0;
const ev = (type: string, node: string | undefined, data: Record<string, unknown> = {}): RunEvent => ({
  run_id: 'r1',
  thread_id: THREAD,
  seq: ++seq,
  type,
  ts: seq,
  ...(node ? { node } : {}),
  data,
});
const EVENTS = [
  ev('run_started', undefined),
  ev('node_started', 'agent'),
  ev('node_finished', 'agent'),
  ev('node_started', 'tools'),
  ev('tool_call', 'tools', { tool_call_id: 'c1', name: 'write_file', args: { path: 'src/a.ts', content: 'x = 1' } }),
  ev('interrupt', 'tools', { tool_call_id: 'c1', question: 'Write src/a.ts?', kind: 'approval' }),
  ev('node_finished', 'tools', { interrupted: true }),
  ev('run_finished', undefined, { agent_status: 'requires_human_input' }),
];

/** A socket that answers a subscription with the thread's stored events, as the gateway's replay does. */
class ReplaySocket {
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    setTimeout(() => this.onopen?.(), 0);
  }
  send(text: string) {
    const { thread_id } = JSON.parse(text) as { thread_id?: string };
    if (thread_id !== THREAD) return;
    for (const event of EVENTS) this.onmessage?.({ data: JSON.stringify({ type: 'event', event }) });
  }
  close() {}
}

beforeEach(() => {
  vi.stubGlobal('WebSocket', ReplaySocket);
  // React Flow measures its container; jsdom has no layout.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderThread() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/threads/${THREAD}`]}>
        <Routes>
          <Route path="/threads/:threadId" element={<ThreadPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('ThreadPage, an approval', () => {
  const waiting = {
    status: 'requires_human_input',
    human_input_request: { tool_call_id: 'c1', question_for_human: 'Write src/a.ts?', kind: 'approval' },
    files_written: [],
    model_used: 'alpha/alpha-chat',
  };

  it.each([
    ['Approve', 'approve'],
    ['Decline', 'decline'],
  ])('shows the path and content; %s resumes the thread with "%s"', async (button, answer) => {
    const seen = stubGateway({
      [`GET /v1/agents/threads/${THREAD}`]: waiting,
      'POST /v1/agents/resume': { status: 'completed' },
    });
    renderThread();
    const turn = await screen.findByRole('region', { name: 'The agent asks' });
    expect(within(turn).getByRole('heading').textContent).toBe('The agent wants to write a file');
    await within(turn).findByText('src/a.ts');
    expect(turn.querySelector('pre')?.textContent).toBe('x = 1');
    await userEvent.click(within(turn).getByRole('button', { name: button }));
    await within(turn).findByText('Sent: the agent goes on.');
    expect(seen.filter((c) => c.method === 'POST')).toEqual([
      {
        method: 'POST',
        path: '/v1/agents/resume',
        body: { thread_id: THREAD, tool_call_id: 'c1', human_response: answer },
      },
    ]);
    expect((within(turn).getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
