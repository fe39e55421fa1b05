// `switchboard agent` as a user runs it, against a real gateway in front of a fake provider: the agent's question and a
// write's approval answered through piped stdin, a declined write, a folder the gateway does not allow, no gateway.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sentMessages, tempRoot, toolCall, useAgentGateway } from './agent-harness.js';
import { STACK_LINE, useCli } from './cli-harness.js';

const fixture = useAgentGateway('cli');
const runCli = useCli();

/** Runs `switchboard agent …args` against the fixture's gateway with `input` piped in, until it exits. */
function agent(args: string[], input: string, url = fixture.gw.url) {
  return runCli(['agent', ...args, '--url', url], /$^/, { NO_COLOR: '1' }, fixture.project, input);
}

/** The model asks which name, then writes greet.py, then sums up. */
function queueAskThenWrite(content: string): void {
  fixture.alpha.queue(
    { type: 'text', text: '', toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name?' })] },
    { type: 'text', text: '', toolCalls: [toolCall('call_w', 'write_file', { filepath: 'greet.py', content })] },
    { type: 'text', text: 'I wrote greet.py with the name you chose.' },
  );
}

// Each run is a child process that loads the CLI: seconds on a loaded machine.
describe('switchboard agent', { timeout: 120_000 }, () => {
  it('asks the question and the write at the prompt, takes the answers from piped stdin, and sums up', async () => {
    await writeFile(path.join(fixture.project, 'greet.py'), 'def hello():\n    return "hi"\n');
    queueAskThenWrite('def greet():\n    return "hi"\n');
    const { out, code } = await agent(['write a greeting function', '--dir', fixture.project], 'greet\nyes\n');
    expect(code).toBe(0);
    expect(out).toContain('The agent asks: Which name?');
    // The write as a diff against the file on disk, then the question.
    expect(out).toContain('The agent wants to write greet.py:');
    expect(out).toMatch(/@@ -1,2 \+1,2 @@\n-def hello\(\):\n\+def greet\(\):\n {5}return "hi"/);
    expect(out).toContain('Write greet.py? (yes, or say why not)');
    // Progress from the thread's events over /v1/ws: the write, once it was made.
    expect(out).toContain('✓ wrote greet.py');
    expect(out).toContain('I wrote greet.py with the name you chose.');
    expect(out).toContain('Files written: greet.py');
    expect(out).toMatch(/Thread [\w-]+: continue with switchboard agent --thread/);
    expect(out).not.toMatch(STACK_LINE);
    expect(await readFile(path.join(fixture.project, 'greet.py'), 'utf8')).toBe('def greet():\n    return "hi"\n');
    // The answer reached the model as the question's result, and the approval let the write through.
    expect(sentMessages(fixture.alpha, 1).at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_q',
      content: 'greet',
    });
    expect(sentMessages(fixture.alpha, 2).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_w' });
    expect(sentMessages(fixture.alpha, 2).at(-1)!.content).toMatch(/^Replaced greet\.py/);
  });

  it('declines a write with the reason given, and the file stays unwritten', async () => {
    fixture.alpha.queue(
      {
        type: 'text',
        text: '',
        toolCalls: [toolCall('call_w', 'write_file', { filepath: 'new.txt', content: 'one\ntwo\n' })],
      },
      { type: 'text', text: 'Understood, I left it.' },
    );
    const { out, code } = await agent(['make new.txt'], 'no, keep the folder clean\n');
    expect(code).toBe(0);
    expect(out).toContain('The agent wants to write new file new.txt:');
    expect(out).toContain('+one\n+two');
    expect(existsSync(path.join(fixture.project, 'new.txt'))).toBe(false);
    expect(sentMessages(fixture.alpha, 1).at(-1)!.content).toContain('Their answer: no, keep the folder clean');
    expect(out).toContain('Understood, I left it.');
  });

  it('exits 1 saying how to continue when stdin ends before the question is answered, and --thread answers it', async () => {
    fixture.alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Tabs or spaces?' })],
    });
    const first = await agent(['format the code'], '');
    expect(first.code).toBe(1);
    const thread = /--thread ([\w-]+)/.exec(first.out)?.[1];
    expect(first.out).toContain('no answer given: the thread waits for one');
    expect(thread).toBeDefined();

    fixture.alpha.queue({ type: 'text', text: 'Spaces it is.' });
    const second = await agent(['--thread', thread!], 'spaces\n');
    expect(second.code).toBe(0);
    expect(second.out).toContain('The agent asks: Tabs or spaces?');
    expect(second.out).toContain('Spaces it is.');
  });

  it('says exactly how to allow a folder outside the workspace roots', async () => {
    const elsewhere = await tempRoot('cli-elsewhere');
    const { out, code } = await agent(['anything', '--dir', elsewhere], '');
    expect(code).toBe(1);
    expect(out).toContain(`the gateway does not let the agent work in ${elsewhere}`);
    expect(out).toContain(`switchboard init --workspace-root ${elsewhere}`);
    expect(out).toContain(`SWITCHBOARD_WORKSPACE_ROOTS=${elsewhere}`);
    expect(fixture.alpha.requests).toHaveLength(0);
  });

  it('exits 69 with how to start one when no gateway answers, and 1 with the JSON answer when the agent fails', async () => {
    const none = await agent(['anything'], '', 'http://127.0.0.1:9');
    expect(none.code).toBe(69);
    expect(none.out).toContain('switchboard serve');

    fixture.alpha.queue({ type: 'error', status: 400, message: 'bad request from the fake' });
    fixture.alpha.setFallback({ type: 'error', status: 400, message: 'bad request from the fake' });
    const failed = await runCli(
      ['agent', 'anything', '--json', '--url', fixture.gw.url],
      /$^/,
      { NO_COLOR: '1' },
      fixture.project,
      '',
    );
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/"agent_status": "error"/);
    expect(failed.out).toContain('switchboard: the agent stopped:');
  });
});
