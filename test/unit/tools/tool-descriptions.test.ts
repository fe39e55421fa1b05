// What each tool says about itself: its system-prompt line and how it asks for approval, in the words people see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define-tool.js';
import { projectTools, type ProjectTools } from '../../helpers/agent-tools.js';

let run: ProjectTools;
beforeAll(async () => {
  run = await projectTools();
});
afterAll(() => run.cleanup());

describe('tool descriptions', () => {
  it('give every tool a prompt line that names it', () => {
    const names = run.tools.map((tool) => tool.name);
    expect(names).toEqual(['read_file', 'write_file', 'list_files', 'ask_human_for_input']);
    for (const tool of run.tools) expect(tool.promptLine).toContain(tool.name);
  });

  it('let write_file ask with the path and the whole content, and name the file a no left unwritten', () => {
    const { approval } = run.byName('write_file');
    expect(approval?.question({ filepath: 'src/a.py', content: 'x = 1\n' })).toBe(
      'The agent wants to write "src/a.py":\n\nx = 1\n\n\nApprove this write? Answer "yes" to write it, or say why not.',
    );
    expect(approval?.declined({ filepath: 'src/a.py', content: 'x' }, ' use b.py ')).toBe(
      'The human declined this write: src/a.py was not written. Their answer: use b.py',
    );
    const silent = approval?.declined({ filepath: 'src/a.py' }, '  ');
    expect(silent).toBe('The human declined this write: src/a.py was not written.');
    expect(approval?.promptLine).toBe(
      'The developer approves every write. ' +
        'If they decline one, do not retry it unchanged: adapt, or ask what they want.',
    );
  });

  it('give read_file and list_files the generic question about the call as the model made it', () => {
    const read = run.byName('read_file').approval;
    expect(read?.question({ filepath: 'a.ts' })).toBe(
      'The agent wants to call read_file with {"filepath":"a.ts"}. Approve? Answer "yes" to run it, or say why not.',
    );
    expect(read?.declined({ filepath: 'a.ts' }, 'no')).toBe('The human declined this call. Their answer: no');
    expect(read?.promptLine).toBeUndefined();
    expect(run.byName('list_files').approval?.question({})).toBe(
      'The agent wants to call list_files with {}. Approve? Answer "yes" to run it, or say why not.',
    );
  });

  it('never ask to approve ask_human_for_input, itself a question to the human', () => {
    expect(run.byName('ask_human_for_input').approval).toBeUndefined();
  });

  it('travel with a tool defineTool builds, which still runs as before', async () => {
    const deploy = defineTool({
      name: 'deploy',
      description: 'Deploy the project to an environment.',
      schema: z.object({ env: z.string() }),
      promptLine: 'Use deploy once the tests pass.',
      approval: { question: (args) => `Deploy to ${String(args['env'])}?`, declined: () => 'Not deployed.' },
      run: async ({ env }) => `deployed to ${env}`,
    });
    expect(deploy.promptLine).toBe('Use deploy once the tests pass.');
    expect(deploy.approval?.question({ env: 'prod' })).toBe('Deploy to prod?');
    expect(await deploy.invoke({ env: 'prod' })).toBe('deployed to prod');
  });
});
