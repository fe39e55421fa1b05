// Folding a run's events: node states, the edges taken (a fallback back to route), tokens, failures, how it ended,
// and an agent's pending question with the write it wants to make.
import { describe, expect, it } from 'vitest';
import { foldRunEvents, mergeEvents, type RunEvent } from './run-state';

let seq = 0;
function ev(type: string, node?: string, data: Record<string, unknown> = {}, run_id = 'r1'): RunEvent {
  seq += 1;
  return { run_id, seq, type, ts: seq, ...(node ? { node } : {}), data };
}

describe('foldRunEvents', () => {
  it('a run that falls back after a failed call: the edge back to route is taken, then it finishes', () => {
    const events = [
      ev('run_started'),
      ev('node_started', 'classify'),
      ev('node_finished', 'classify'),
      ev('node_started', 'route'),
      ev('node_finished', 'route'),
      ev('node_started', 'call'),
      ev('attempt_failed', 'call', { model: 'a/one', kind: 'rate_limit', message: '429' }),
      ev('node_started', 'route'),
      ev('node_started', 'call'),
      ev('token', 'call', { text: 'Hel' }),
      ev('token', 'call', { text: 'lo' }),
      ev('node_finished', 'call'),
      ev('node_started', 'judge'),
      ev('node_finished', 'judge'),
      ev('run_finished', undefined, { model: 'b/two', attempts: 2 }),
    ];
    const view = foldRunEvents(events);
    expect(view.status).toBe('finished');
    expect([...view.taken].sort()).toEqual([
      'call>judge',
      'call>route',
      'classify>route',
      'judge>respond',
      'route>call',
    ]);
    expect(view.nodes['route']).toEqual({ status: 'active', visits: 2 });
    expect(view.nodes['call']).toEqual({ status: 'done', visits: 2 });
    expect(view.text).toBe('Hello');
    expect(view.failures).toEqual([{ node: 'call', model: 'a/one', reason: 'rate_limit: 429' }]);
    expect(view.model).toBe('b/two');
    expect(view.attempts).toBe(2);
  });

  it('a judge rejection is a failure of judge; a failed run ends in failed with its message', () => {
    const view = foldRunEvents([
      ev('run_started'),
      ev('node_started', 'judge'),
      ev('attempt_failed', 'judge', { model: 'a/one', rejected: true, score: 0.1 }),
      ev('run_failed', undefined, { message: 'every model failed' }),
    ]);
    expect(view.failures[0]?.reason).toBe('judge rejected (score 0.1)');
    expect(view.nodes['judge']?.status).toBe('failed');
    expect(view.status).toBe('failed');
    expect(view.error).toBe('every model failed');
    expect(view.taken.has('judge>failed')).toBe(true);
  });

  it("an agent's approval: paused, with the path and content of the write from its tool call", () => {
    const view = foldRunEvents([
      ev('run_started', undefined, { kind: 'agent' }),
      ev('node_started', 'agent'),
      ev('node_finished', 'agent'),
      ev('node_started', 'tools'),
      ev('tool_call', 'tools', { tool_call_id: 'c1', name: 'write_file', args: { path: 'a.txt', content: 'hi' } }),
      ev('interrupt', 'tools', { tool_call_id: 'c1', question: 'Write a.txt?', kind: 'approval' }),
      ev('node_finished', 'tools', { interrupted: true }),
      ev('run_finished', undefined, { agent_status: 'requires_human_input' }),
    ]);
    expect(view.status).toBe('paused');
    expect(view.nodes['tools']?.status).toBe('paused');
    expect(view.interrupt).toEqual({
      toolCallId: 'c1',
      question: 'Write a.txt?',
      kind: 'approval',
      args: { path: 'a.txt', content: 'hi' },
    });
  });

  it('mergeEvents drops an event already known by run and seq', () => {
    const a = ev('run_started');
    const b = ev('token', 'call', { text: 'x' });
    expect(mergeEvents([a], [a, b])).toEqual([a, b]);
    const same = [a, b];
    expect(mergeEvents(same, [b])).toBe(same);
  });
});
