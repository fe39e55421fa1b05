// Splitting a final answer into generated_code and explanation; the prompts built from a request.
import { describe, expect, it } from 'vitest';
import { instructionMessage, systemPrompt } from '../../../graphs/code-agent/prompts.js';
import { splitAnswer } from '../../../graphs/code-agent/threads/answer.js';
import { createAgentTools } from '../../../tools/index.js';
import { projectTools } from '../../helpers/agent-tools.js';

describe('splitAnswer', () => {
  it('puts fenced blocks in generated_code and the rest in explanation', () => {
    const text = 'Here:\n\n```ts\nconst a = 1;\n```\n\nand a test:\n\n~~~python\nassert True\n~~~\n\nDone.';
    expect(splitAnswer(text)).toEqual({
      generated_code: 'const a = 1;\n\nassert True',
      explanation: 'Here:\n\nand a test:\n\nDone.',
    });
  });

  it('keeps backticks inside a longer fence, and leaves an unclosed fence in the explanation', () => {
    expect(splitAnswer('````md\n```js\nx\n```\n````').generated_code).toBe('```js\nx\n```');
    expect(splitAnswer('see ```js\nno end')).toEqual({ generated_code: '', explanation: 'see ```js\nno end' });
  });

  it('gives empty code for a plain answer', () => {
    expect(splitAnswer('  Just words.  ')).toEqual({ generated_code: '', explanation: 'Just words.' });
  });
});

describe('prompts', () => {
  it('mentions the file tools only with a project directory, and approvals only when asked', async () => {
    const bare = systemPrompt({ instruction: 'x', require_approval: [] }, createAgentTools());
    expect(bare).toContain("no access to the developer's files");
    const run = await projectTools();
    const request = { instruction: 'x', project_directory: '/p', require_approval: ['write_file'], language: 'go' };
    const withFiles = systemPrompt(request, run.tools);
    await run.cleanup();
    expect(withFiles).toContain('write_file');
    expect(withFiles).toContain('approves every write');
    expect(withFiles).toContain('in go');
  });

  it('builds the human turn from the instruction, language and context', () => {
    expect(
      instructionMessage({ instruction: 'Fix it', language: 'rust', context: 'fn main() {}', require_approval: [] }),
    ).toBe('Fix it\n\nLanguage: rust\n\nContext:\nfn main() {}');
  });
});
