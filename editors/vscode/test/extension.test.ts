// The extension as VS Code loads it, on the fake API: every command of package.json registered, the client key kept in
// secret storage (never in settings), the status bar and its quick pick.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activate } from '../src/extension.js';
import { fake, secretStorage, Uri } from './fake-vscode.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  contributes: { commands: { command: string }[]; configuration: { properties: Record<string, unknown> } };
};

let subscriptions: { dispose(): unknown }[] = [];
beforeEach(() => {
  fake.reset();
  // Nothing listens on port 9: the gateway is unreachable.
  fake.config.set('switchboard.gatewayUrl', 'http://127.0.0.1:9');
  subscriptions = [];
  activate({ secrets: secretStorage, subscriptions, extensionUri: Uri.file('/ext') } as never);
});
afterEach(() => {
  for (const item of subscriptions) item.dispose();
});

const status = () => fake.statusItems[0]!;
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
};

describe('activate', () => {
  it('registers every command that package.json contributes', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    expect([...fake.commands.keys()].sort()).toEqual(contributed);
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual([
      'switchboard.agent.requireApproval',
      'switchboard.gatewayUrl',
      'switchboard.modelQuality',
    ]);
  });

  it('keeps the client key in secret storage, never in the settings', async () => {
    fake.inputs.push('  sk-sb-abc123  ');
    await fake.commands.get('switchboard.setClientKey')!();
    expect(fake.secrets.get('switchboard.clientKey')).toBe('sk-sb-abc123');
    expect(fake.inputBoxes[0]).toMatchObject({ password: true });
    expect([...fake.config.values()]).not.toContain('sk-sb-abc123');
    await fake.commands.get('switchboard.clearClientKey')!();
    expect(fake.secrets.has('switchboard.clientKey')).toBe(false);
  });

  it('shows an unreachable gateway, the mode, and changes the mode or opens the console from its quick pick', async () => {
    expect(status().command).toBe('switchboard.statusMenu');
    expect(await until(() => status().text.includes('debug-disconnect'))).toBe(true);
    expect(status().text).toBe('$(debug-disconnect) Switchboard: balanced');
    expect(status().tooltip).toContain('Gateway http://127.0.0.1:9: not reachable');

    fake.picks.push('best_quality');
    await fake.commands.get('switchboard.statusMenu')!();
    expect(fake.quickPicks[0]!.map((item) => item.label)).toEqual([
      'fastest',
      '$(check) balanced',
      'best_quality',
      '$(link-external) Open the console',
      '$(key) Set client key',
    ]);
    expect(fake.config.get('switchboard.modelQuality')).toBe('best_quality');
    expect(status().text).toBe('$(debug-disconnect) Switchboard: best_quality');

    fake.picks.push('Open the console');
    await fake.commands.get('switchboard.statusMenu')!();
    expect(fake.opened).toEqual(['http://127.0.0.1:9/ui']);
  });
});
