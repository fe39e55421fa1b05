// The serve options of node (src/cli/node-options.ts): what the workers' primary adds, and that every way of starting
// the gateway passes the same ones.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_OPTIONS, withServeOptions } from '../../../src/cli/node-options.js';

const ROOT = path.join(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('withServeOptions', () => {
  it('adds the options a process was started without, after its own', () => {
    expect(withServeOptions(['--import', 'tsx'])).toEqual(['--import', 'tsx', ...SERVE_NODE_OPTIONS]);
    expect(withServeOptions([])).toEqual([...SERVE_NODE_OPTIONS]);
  });

  it("keeps the operator's value, in either spelling, on the command line or in NODE_OPTIONS", () => {
    expect(withServeOptions(['--max-semi-space-size=64'])).toEqual(['--max-semi-space-size=64']);
    expect(withServeOptions(['--max_semi_space_size=8'])).toEqual(['--max_semi_space_size=8']);
    expect(withServeOptions([], '--enable-source-maps  --max-semi-space-size=16')).toEqual([]);
    expect(withServeOptions([], '--enable-source-maps')).toEqual([...SERVE_NODE_OPTIONS]);
  });
});

describe('every way of starting the gateway passes the serve options', () => {
  const options = SERVE_NODE_OPTIONS.join(' ');

  it('npm start', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['start']).toBe(`node ${options} dist/src/cli/index.js serve`);
  });

  it('the systemd unit (NODE_OPTIONS: `switchboard serve` runs through the command, whose shebang is plain node)', () => {
    const lines = read('deploy/switchboard.service').split('\n');
    expect(lines).toContain(`Environment=NODE_OPTIONS=${options}`);
    expect(lines).toContain('ExecStart=/usr/local/bin/switchboard serve');
  });

  it("the container's entry point", () => {
    const line = read('Dockerfile')
      .split('\n')
      .find((l) => l.startsWith('ENTRYPOINT '));
    expect(JSON.parse(line!.slice('ENTRYPOINT '.length))).toEqual([
      'node',
      ...SERVE_NODE_OPTIONS,
      '/app/dist/src/cli/index.js',
    ]);
  });
});
