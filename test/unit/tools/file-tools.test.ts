// read_file, write_file and list_files as LangChain tools: schemas, results, and mistakes returned as result text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ToolMessage } from '@langchain/core/messages';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../../tools/define-tool.js';
import { createAgentTools, createFileTools } from '../../../tools/index.js';
import { createWorkspace } from '../../../tools/workspace.js';
import type { Workspace } from '../../../tools/workspace.js';

let base: string;
let project: string;
let ws: Workspace;
let tools: Record<string, AgentTool>;
beforeEach(async () => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-file-tools-')));
  project = path.join(base, 'project');
  fs.mkdirSync(path.join(project, 'src'), { recursive: true });
  fs.writeFileSync(path.join(project, 'src', 'index.ts'), 'console.log(1);\n');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'top secret');
  ws = await createWorkspace(project, { roots: [project], maxFileBytes: 64, maxListEntries: 3 });
  tools = Object.fromEntries(createFileTools(ws).map((t) => [t.name, t]));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

const call = (name: string, args: Record<string, unknown>) => ({
  id: `call_${name}`,
  name,
  args,
  type: 'tool_call' as const,
});
const get = (name: string): AgentTool => {
  const found = tools[name];
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
};

describe('file tools', () => {
  it('are read_file, write_file and list_files, with the schemas the model sees', () => {
    const specs = createFileTools(ws).map((t) => convertToOpenAITool(t).function);
    expect(specs.map((s) => [s.name, (s.parameters as { required?: string[] }).required ?? []])).toEqual([
      ['read_file', ['filepath']],
      ['write_file', ['filepath', 'content']],
      ['list_files', []],
    ]);
    expect(specs.every((s) => (s.description ?? '').length > 40)).toBe(true);
  });

  it('exist only with a workspace; ask_human_for_input always', () => {
    expect(createAgentTools().map((t) => t.name)).toEqual(['ask_human_for_input']);
    expect(createAgentTools({ workspace: ws }).map((t) => t.name)).toEqual([
      'read_file',
      'write_file',
      'list_files',
      'ask_human_for_input',
    ]);
  });

  it('write, list and read a project, recording the files written', async () => {
    expect(await get('write_file').invoke({ filepath: 'src/math.ts', content: 'export const x = 1;\n' })).toBe(
      'Created src/math.ts (20 bytes).',
    );
    expect(await get('write_file').invoke({ filepath: 'src/math.ts', content: 'export const x = 2;\n' })).toBe(
      'Replaced src/math.ts (20 bytes).',
    );
    expect(await get('list_files').invoke({ directory_path: 'src' })).toBe('src/index.ts\nsrc/math.ts');
    expect(await get('list_files').invoke({})).toBe('src/');
    expect(await get('read_file').invoke({ filepath: 'src/math.ts' })).toBe('export const x = 2;\n');
    expect(ws.writtenFiles()).toEqual(['src/math.ts']);
  });

  it('answer a tool call with a ToolMessage carrying its id', async () => {
    const message = await get('read_file').invoke(call('read_file', { filepath: 'src/index.ts' }));
    expect(message).toBeInstanceOf(ToolMessage);
    expect(message).toMatchObject({ content: 'console.log(1);\n', tool_call_id: 'call_read_file', name: 'read_file' });
  });

  it('return invalid arguments to the model as an error result, running nothing', async () => {
    const missing = await get('write_file').invoke(call('write_file', { filepath: 'src/new.ts' }));
    expect(missing).toBeInstanceOf(ToolMessage);
    expect(missing).toMatchObject({ status: 'error', tool_call_id: 'call_write_file' });
    expect(String((missing as ToolMessage).content)).toMatch(/^Error: invalid arguments for write_file:[\s\S]*content/);
    expect(fs.existsSync(path.join(project, 'src', 'new.ts'))).toBe(false);
    expect(await get('read_file').invoke({ filepath: 42 } as never)).toMatch(
      /^Error: invalid arguments for read_file:[\s\S]*expected string/,
    );
    expect(await get('read_file').invoke({ filepath: '' })).toMatch(/^Error: invalid arguments for read_file/);
    expect(await get('list_files').invoke({ directory_path: ['src'] } as never)).toMatch(
      /^Error: invalid arguments for list_files/,
    );
  });

  it('return sandbox refusals to the model as an error result, reading and writing nothing outside', async () => {
    fs.symlinkSync(base, path.join(project, 'up'));
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['read_file', { filepath: '../secret.txt' }, /outside the project directory/],
      ['read_file', { filepath: path.join(base, 'secret.txt') }, /absolute paths are not allowed/],
      ['read_file', { filepath: 'up/secret.txt' }, /symbolic link/],
      ['write_file', { filepath: 'up/pwned.txt', content: 'x' }, /symbolic link/],
      ['list_files', { directory_path: '..' }, /outside the project directory/],
    ];
    for (const [name, args, why] of cases) {
      const result = await get(name).invoke(call(name, args));
      expect(result).toMatchObject({ status: 'error', tool_call_id: `call_${name}` });
      const text = String((result as ToolMessage).content);
      expect(text).toMatch(/^Error: /);
      expect(text).toMatch(why);
      expect(text).not.toContain('top secret');
    }
    expect(fs.readdirSync(base).sort()).toEqual(['project', 'secret.txt']);
  });

  it('report size limits, binary files and empty files in the result', async () => {
    fs.writeFileSync(path.join(project, 'big.txt'), 'x'.repeat(65));
    fs.writeFileSync(path.join(project, 'blob.bin'), Buffer.from([1, 0, 2]));
    fs.writeFileSync(path.join(project, 'empty.txt'), '');
    expect(await get('read_file').invoke({ filepath: 'big.txt' })).toMatch(
      /^Error: .*65 bytes, over the 64-byte limit/,
    );
    expect(await get('read_file').invoke({ filepath: 'blob.bin' })).toMatch(/^Error: .*binary/);
    expect(await get('read_file').invoke({ filepath: 'empty.txt' })).toBe('(empty.txt is empty)');
    expect(await get('write_file').invoke({ filepath: 'huge.txt', content: 'y'.repeat(65) })).toMatch(
      /^Error: .*over the 64-byte limit/,
    );
  });

  it('say when a listing was cut, and when a directory is empty', async () => {
    for (const name of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(project, name), '');
    fs.mkdirSync(path.join(project, 'empty'));
    expect(await get('list_files').invoke({ directory_path: '' })).toBe(
      'a\nb\nc\n(3 more entries not shown: a listing stops at 3)',
    );
    expect(await get('list_files').invoke({ directory_path: 'empty' })).toBe('(empty directory)');
  });
});
