// Loading switchboard.yaml: ${VAR} expansion, validation messages that name the field, env overrides.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

function withFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  writeFileSync(join(dir, 'switchboard.yaml'), yaml);
  return dir;
}

const ALPHA = `
providers:
  - id: alpha
    protocol: openai
    baseUrl: http://127.0.0.1:9101/v1
    apiKeys: [key-1, "\${ALPHA_KEY}"]
    models:
      - id: alpha-chat
        capabilities: [chat, code, tools]
        contextWindow: 32768
        quality: 0.7
        speed: 0.9
        costPer1M: { input: 0, output: 0 }
`;

describe('loadConfig', () => {
  it('reads ./switchboard.yaml, expands ${VAR} and applies defaults', () => {
    const cwd = withFile(ALPHA);
    const { config, file } = loadConfig({ cwd, env: { ALPHA_KEY: 'from-env' } });
    expect(file).toBe(join(cwd, 'switchboard.yaml'));
    expect(config.providers[0]!.apiKeys).toEqual(['key-1', 'from-env']);
    expect(config.providers[0]!.models![0]).toMatchObject({ id: 'alpha-chat', contextWindow: 32768, quality: 0.7 });
    expect(config.server.port).toBe(8000);
    expect(config.routing.defaultMode).toBe('balanced');
  });

  it('runs on built-in defaults with no file, and PORT / LOG_LEVEL override', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sb-empty-'));
    const { config, file } = loadConfig({ cwd, env: { PORT: '9123', LOG_LEVEL: 'warn' } });
    expect(file).toBeUndefined();
    expect(config.server.port).toBe(9123);
    expect(config.logLevel).toBe('warn');
  });

  it('names the bad field in its message', () => {
    const cwd = withFile(ALPHA.replace('protocol: openai', 'protocol: grpc').replace('quality: 0.7', 'quality: 7'));
    let message = '';
    try {
      loadConfig({ cwd, env: {} });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('providers[0].protocol');
    expect(message).toContain('providers[0].models[0].quality');
  });

  it('rejects unknown fields, a missing explicit file and broken YAML', () => {
    expect(() => loadConfig({ cwd: withFile('routing:\n  defaultMod: fastest\n'), env: {} })).toThrow(/routing/);
    expect(() => loadConfig({ file: '/nonexistent/sb.yaml', env: {} })).toThrow(/not found/);
    expect(() => loadConfig({ cwd: withFile('providers: [\n'), env: {} })).toThrow(/not valid YAML/);
    // The message says where, never what the broken line holds (it may be a key).
    const broken = withFile('providers:\n  - id: a\n    apiKeys: [sk-secret-123\n    models: x\n');
    expect(() => loadConfig({ cwd: broken, env: {} })).toThrow(/not valid YAML: .* at line 4, column 5$/);
    expect(() => loadConfig({ cwd: broken, env: {} })).not.toThrow(/sk-secret/);
  });
});
