// The agent graph's routers and approval rule, as pure functions over hand-built states.
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { END } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isApproval,
  needsApproval,
  pendingToolCalls,
  routeAfterAgent,
  routeAfterTools,
} from '../../../graphs/code-agent/edges.js';
import { addFiles } from '../../../graphs/code-agent/state.js';
import { projectTools, type ProjectTools } from '../../helpers/agent-tools.js';

const ask = (id: string): ToolCall => ({
  id,
  name: 'ask_human_for_input',
  args: { question: 'q' },
  type: 'tool_call' as const,
});
const write = (id: string): ToolCall => ({
  id,
  name: 'write_file',
  args: { filepath: 'a', content: 'b' },
  type: 'tool_call' as const,
});
const turn = (...calls: ToolCall[]) => new AIMessage({ content: '', tool_calls: calls });
const result = (id: string) => new ToolMessage({ content: 'ok', tool_call_id: id });

describe('pendingToolCalls', () => {
  it("lists the latest turn's calls that have no result yet, in order", () => {
    const messages = [new HumanMessage('go'), turn(write('w1'), ask('q1'), write('w2')), result('w1')];
    expect(pendingToolCalls(messages).map((c) => c.id)).toEqual(['q1', 'w2']);
  });

  it('is empty after a plain answer, after every call is answered, and for an empty thread', () => {
    expect(pendingToolCalls([new HumanMessage('go'), new AIMessage('done')])).toEqual([]);
    expect(pendingToolCalls([turn(ask('q1')), result('q1')])).toEqual([]);
    expect(pendingToolCalls([])).toEqual([]);
  });

  it('looks only at the latest model turn', () => {
    expect(pendingToolCalls([turn(ask('old')), new HumanMessage('new task'), new AIMessage('answer')])).toEqual([]);
  });
});

describe('routeAfterAgent', () => {
  const base = { steps: 1, error: null };
  it('goes to the tools when the model called some, and ends on a plain answer', () => {
    expect(routeAfterAgent({ ...base, messages: [turn(ask('q'))] }, 3)).toBe('tools');
    expect(routeAfterAgent({ ...base, messages: [new AIMessage('done')] }, 3)).toBe(END);
  });

  it('goes to the step limit once the run used maxSteps model calls and the model still calls tools', () => {
    expect(routeAfterAgent({ ...base, steps: 3, messages: [turn(ask('q'))] }, 3)).toBe('step_limit');
    expect(routeAfterAgent({ ...base, steps: 3, messages: [new AIMessage('done')] }, 3)).toBe(END);
  });

  it('ends when the model call failed', () => {
    expect(
      routeAfterAgent({ steps: 1, error: { code: 'upstream_error', message: 'x' }, messages: [turn(ask('q'))] }, 3),
    ).toBe(END);
  });
});

describe('routeAfterTools', () => {
  it('runs the next pending call, then goes back to the model', () => {
    expect(routeAfterTools({ error: null, messages: [turn(write('a'), write('b')), result('a')] })).toBe('tools');
    expect(routeAfterTools({ error: null, messages: [turn(write('a'), write('b')), result('a'), result('b')] })).toBe(
      'agent',
    );
  });

  it('ends a cancelled run', () => {
    expect(routeAfterTools({ error: { code: 'cancelled', message: 'x' }, messages: [turn(write('a'))] })).toBe(END);
  });
});

describe('approval', () => {
  let run: ProjectTools;
  beforeAll(async () => {
    run = await projectTools();
  });
  afterAll(() => run.cleanup());

  it('is needed for the tools named in require_approval, never for ask_human_for_input', () => {
    expect(needsApproval(run.byName('write_file'), ['write_file'])).toBe(true);
    expect(needsApproval(run.byName('read_file'), ['write_file'])).toBe(false);
    expect(needsApproval(run.byName('write_file'), [])).toBe(false);
    expect(needsApproval(run.byName('ask_human_for_input'), ['ask_human_for_input'])).toBe(false);
  });

  it.each(['yes', 'Yes', ' YES. ', 'y', 'approve', 'Approved!'])('takes %j as approval', (answer) => {
    expect(isApproval(answer)).toBe(true);
  });

  it.each(['no', 'yes but change the name', 'nope', '', 'ok maybe', 'not yes'])('takes %j as a refusal', (answer) => {
    expect(isApproval(answer)).toBe(false);
  });
});

describe('files_written reducer', () => {
  it('appends new files once each, in order, keeping the earlier ones', () => {
    expect(addFiles(['a'], ['b', 'a', 'c', 'b'])).toEqual(['a', 'b', 'c']);
    const same = ['a'];
    expect(addFiles(same, ['a'])).toBe(same);
  });
});
