// The system prompt's tool section comes from the run's tools: each tool's own line, its approval line when asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemPrompt } from '../../../graphs/code-agent/prompts.js';
import { defineTool } from '../../../tools/define-tool.js';
import { createAgentTools } from '../../../tools/index.js';
import { projectTools, type ProjectTools } from '../../helpers/agent-tools.js';

let run: ProjectTools;
beforeAll(async () => {
  run = await projectTools();
});
afterAll(() => run.cleanup());

const DONE =
  'When you are done, answer without calling a tool: give the code in fenced code blocks with their language ' +
  '(```ts ... ```), complete rather than elided, then a short explanation of what you did and why.';
const ASK =
  "- Use ask_human_for_input when the task is ambiguous, when a decision is the developer's to make, " +
  'or when you need information only they have. Ask one specific question at a time.';

describe('systemPrompt', () => {
  it('is, without a project, the working rules, ask_human_for_input, and how to answer', () => {
    expect(systemPrompt({ instruction: 'x', require_approval: [] }, createAgentTools())).toBe(
      [
        'You are a coding agent working for a developer through their editor. Solve the task you are given.',
        '',
        'How to work:',
        '- Think about what the task needs, then act; keep going until the task is done.',
        "- You have no access to the developer's files: put the code in your answer.",
        ASK,
        '',
        DONE,
      ].join('\n'),
    );
  });

  it("lists a project run's tools in their order, with write_file's approval line when writes need approval", () => {
    const approvals = ['write_file', 'read_file'];
    const request = { instruction: 'x', project_directory: '/p', require_approval: approvals, language: 'go' };
    expect(systemPrompt(request, run.tools)).toBe(
      [
        'You are a coding agent working for a developer through their editor. Solve the task you are given.',
        '',
        'How to work:',
        '- Think about what the task needs, then act; keep going until the task is done.',
        "- You work inside the developer's project. Paths are relative to the project root.",
        '- Use read_file to read a file before you change it.',
        '- Use write_file to create or replace a file (always the whole file).',
        '- The developer approves every write. ' +
          'If they decline one, do not retry it unchanged: adapt, or ask what they want.',
        '- Use list_files to see what a directory of the project holds.',
        ASK,
        '',
        DONE,
        'Write the code in go unless the task says otherwise.',
      ].join('\n'),
    );
    expect(systemPrompt({ ...request, require_approval: [] }, run.tools)).not.toContain('approves every write');
  });

  it('describes a new tool by its own line, and its approval line only when the request names it', () => {
    const approval = {
      question: () => 'Deploy?',
      declined: () => 'Not deployed.',
      promptLine: 'Every deploy waits for a yes.',
    };
    const deploy = defineTool({
      name: 'deploy',
      description: 'Deploy the project.',
      schema: z.object({}),
      promptLine: 'Use deploy once the tests pass.',
      approval,
      run: async () => 'deployed',
    });
    const tools = [deploy, ...createAgentTools()];
    const asked = systemPrompt({ instruction: 'x', require_approval: ['deploy'] }, tools);
    expect(asked).toContain(`- Use deploy once the tests pass.\n- Every deploy waits for a yes.\n${ASK}`);
    expect(systemPrompt({ instruction: 'x', require_approval: [] }, tools)).not.toContain('Every deploy');
  });
});
