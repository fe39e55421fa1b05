// The switchboard.yaml `switchboard init` writes: the commented template loads, an existing file keeps its comments
// and other fields, and nothing is rewritten when nothing changes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredRoots, plannedConfig, writeConfig } from '../../../src/cli/init-config.js';
import { loadConfig } from '../../../src/config/load.js';

const notes = { vaultLocation: '/data/switchboard.db', masterKeyFile: '/data/master.key' };

function tempFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sb-init-config-')), 'switchboard.yaml');
}

describe('plannedConfig', () => {
  it('writes a commented template that loads, with the agent folders given', () => {
    const file = tempFile();
    const text = plannedConfig(undefined, { workspaceRoots: ["/home/me/it's code"] }, notes)!;
    expect(text).toContain('#   /data/master.key');
    writeConfig(file, text, {});
    const { config } = loadConfig({ file, env: {} });
    expect(config.agents.workspaceRoots).toEqual(["/home/me/it's code"]);
    expect(config.server).toMatchObject({ port: 8000, host: '127.0.0.1' });
  });

  it('leaves the agent section commented out without folders', () => {
    const text = plannedConfig(undefined, {}, notes)!;
    expect(configuredRoots(text)).toEqual([]);
    expect(text).toContain('# agents:');
  });

  it('edits an existing file in place, keeping its comments and fields', () => {
    const existing = '# mine\nproviders:\n  - id: groq   # fast\n    limits: { rpm: 5 }\n';
    const text = plannedConfig(existing, { workspaceRoots: ['/a', '/b'] }, notes)!;
    expect(text).toContain('# mine');
    expect(text).toContain('- id: groq # fast');
    expect(configuredRoots(text)).toEqual(['/a', '/b']);
  });

  it('gives nothing to write when the choices change nothing', () => {
    const existing = 'agents:\n  workspaceRoots: [/a]\n';
    expect(plannedConfig(existing, { workspaceRoots: ['/a'] }, notes)).toBeUndefined();
    expect(plannedConfig(existing, {}, notes)).toBeUndefined();
  });
});

describe('writeConfig', () => {
  it('refuses a text that would not load, and leaves the file as it was', () => {
    const file = tempFile();
    writeFileSync(file, 'logLevel: info\n');
    expect(() => writeConfig(file, 'server:\n  port: eighty\n', {})).toThrow(/would not load: .*server\.port/s);
    expect(readFileSync(file, 'utf8')).toBe('logLevel: info\n');
  });
});
