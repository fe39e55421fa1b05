// The tree `switchboard follow` draws from run events, and how it reaches a terminal and a pipe: agent events (tool
// calls, a question, relayed fallbacks), a mid-stream continuation, which lines are final, the live region redrawn.
import { describe, expect, it } from 'vitest';
import { RunTree, type TreeLine } from '../../../src/cli/follow-tree.js';
import { TreePrinter } from '../../../src/cli/tree-printer.js';
import type { EventPayloads, EventType, RunEvent } from '../../../src/events/types.js';

/** The events of one run, seq and ts counting up. */
function runEvents(runId: string, threadId?: string) {
  let seq = 0;
  return <T extends EventType>(type: T, data: EventPayloads[T], node?: string): RunEvent =>
    ({
      run_id: runId,
      ...(threadId ? { thread_id: threadId } : {}),
      seq: ++seq,
      ts: 1_000 * seq,
      type,
      data,
      ...(node ? { node } : {}),
    }) as RunEvent;
}

const texts = (lines: TreeLine[]) => lines.map((line) => line.text);

describe('RunTree', () => {
  it('draws an agent run: relayed routing and fallback under its node, tool calls and results, the question', () => {
    const event = runEvents('agent-run', 'thread-1');
    const tree = new RunTree();
    for (const e of [
      event('run_started', { kind: 'agent', agent: 'code', resume: false }),
      event('node_started', {}, 'agent'),
      event(
        'route_decided',
        {
          mode: 'balanced',
          task: 'code',
          plan: [{ model: 'a/x', score: 0.9, reasons: [] }],
          candidates: 1,
          skipped: [],
          stage: 'route',
        },
        'agent',
      ),
      event('attempt_failed', { model: 'a/x', kind: 'rate_limit', message: 'slow down', stage: 'call' }, 'agent'),
      event('node_finished', { duration_ms: 1_200 }, 'agent'),
      event('node_started', {}, 'tools'),
      event('tool_call', { tool_call_id: 'c1', name: 'write_file', args: { path: 'a.py' } }, 'tools'),
      event(
        'tool_result',
        { tool_call_id: 'c1', name: 'write_file', status: 'success', content: 'wrote a.py\nmore' },
        'tools',
      ),
      event('interrupt', { tool_call_id: 'c2', question: 'Which name?', kind: 'question' }, 'tools'),
      event('node_finished', { duration_ms: 5, interrupted: true }, 'tools'),
      event('run_finished', { agent_status: 'requires_human_input', model: 'a/x', files_written: [] }),
    ])
      tree.apply(e);
    expect(texts(tree.lines())).toEqual([
      '● run agent-run · agent code · thread thread-1',
      '├─ ✓ agent 1.2 s',
      '│    plan (balanced, code): a/x 0.90',
      '│    ✗ a/x rate_limit: slow down',
      '├─ ◆ tools 5 ms',
      '│    ⚙ write_file {"path":"a.py"}',
      '│    ✓ write_file: wrote a.py',
      '│    ? Which name?',
      "└─ ◆ waiting for a human's answer (thread thread-1) · 10.0 s",
    ]);
    expect(tree.latest()).toEqual({ id: 'agent-run', outcome: 'waiting' });
  });

  it('keeps the last step and the stream live until the run ends, and notes a stream another model finished', () => {
    const event = runEvents('chat-run');
    const tree = new RunTree();
    tree.apply(event('run_started', { kind: 'chat', model: 'auto', stream: true }));
    tree.apply(event('node_started', {}, 'classify'));
    tree.apply(event('node_finished', { duration_ms: 2 }, 'classify'));
    tree.apply(event('node_started', {}, 'call'));
    tree.apply(event('token', { text: 'Hello   there\n' }, 'call'));
    expect(tree.lines('*').map((line) => line.final)).toEqual([true, true, false, false, false]);
    expect(texts(tree.lines('*')).slice(2, 4)).toEqual(['├─ * call', '├─ * streamed 1 chunk “Hello there ”']);
    tree.apply(
      event(
        'attempt_failed',
        { model: 'a/x', mid_stream: true, sent_chars: 1234, continued_by: 'b/y', message: 'reset' },
        'call',
      ),
    );
    tree.apply(event('run_finished', { model: 'b/y', attempts: 2 }));
    const lines = tree.lines();
    expect(lines.every((line) => line.final)).toBe(true);
    expect(texts(lines).slice(2)).toEqual([
      '├─ · call',
      '│    ↪ a/x broke after 1,234 characters; b/y went on',
      '├─ ✓ streamed 1 chunk',
      '└─ ✓ answered by b/y · 2 attempts · 6.0 s',
    ]);
    expect(tree.outcome('chat-run')).toBe('ok');
  });
});

describe('TreePrinter', () => {
  /** A stream that keeps what is written; a terminal 40 columns wide when `tty`. */
  const stream = (tty: boolean) => {
    const out = { isTTY: tty, columns: 40, written: [] as string[], write: (s: string) => out.written.push(s) };
    return out;
  };
  const lines = (...spec: Array<[string, boolean]>): TreeLine[] => spec.map(([text, final]) => ({ text, final }));

  it('on a pipe prints each final line once, in order, and the rest only at the end', () => {
    const out = stream(false);
    let now = lines(['a', true], ['b', false]);
    const printer = new TreePrinter(out as unknown as NodeJS.WriteStream, () => now);
    printer.update();
    now = lines(['a', true], ['b', true], ['c', false]);
    printer.update();
    printer.update(true);
    printer.stop();
    expect(out.written).toEqual(['a\n', 'b\n', 'c\n']);
  });

  it('on a terminal redraws the lines still changing in place, cut to its width', () => {
    const out = stream(true);
    let now = lines(['a', true], ['b'.repeat(60), false]);
    const printer = new TreePrinter(out as unknown as NodeJS.WriteStream, () => now);
    printer.update();
    now = lines(['a', true], ['b', true], ['c', false], ['d', false]);
    printer.update();
    printer.stop();
    expect(out.written).toEqual([`a\n${'b'.repeat(38)}…\n`, '\u001b[1F\u001b[Jb\nc\nd\n', '\u001b[2F\u001b[Jc\nd\n']);
  });
});
