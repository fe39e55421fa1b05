// The extension's settings (gateway URL, mode, approval of writes) and its client key, which lives in VS Code's
// SecretStorage and never in settings.json.
import * as vscode from 'vscode';
import type { GatewayTarget } from './gateway/client.js';
import { MODEL_QUALITIES, type ModelQuality } from './gateway/types.js';

/** The SecretStorage entry of the client key. */
const KEY_SECRET = 'switchboard.clientKey';

/** The settings as they are now. */
export interface Settings {
  gatewayUrl: string;
  modelQuality: ModelQuality;
  requireApproval: boolean;
}

/** Reads the `switchboard.*` settings, with their defaults. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('switchboard');
  const quality = config.get<string>('modelQuality', 'balanced');
  return {
    gatewayUrl: config.get<string>('gatewayUrl', 'http://127.0.0.1:8000') || 'http://127.0.0.1:8000',
    modelQuality: (MODEL_QUALITIES as readonly string[]).includes(quality) ? (quality as ModelQuality) : 'balanced',
    requireApproval: config.get<boolean>('agent.requireApproval', true),
  };
}

/** Changes the mode for this user (all workspaces). */
export async function setModelQuality(quality: ModelQuality): Promise<void> {
  await vscode.workspace
    .getConfiguration('switchboard')
    .update('modelQuality', quality, vscode.ConfigurationTarget.Global);
}

/** The gateway to call and the key to send, read afresh on each call. */
export function gatewayTarget(secrets: vscode.SecretStorage): () => Promise<GatewayTarget> {
  return async () => ({ baseUrl: readSettings().gatewayUrl, key: (await secrets.get(KEY_SECRET)) || undefined });
}

/** The "Set client key" command: asks for the key (hidden as typed) and keeps it in SecretStorage. */
export async function promptClientKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Switchboard client key',
    prompt:
      "A client key of your gateway (switchboard keys create, or the console's Keys page). It is kept in VS Code's secret storage.",
    placeHolder: 'sk-sb-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Paste the key, or press Escape' : undefined),
  });
  if (key === undefined) return false;
  await secrets.store(KEY_SECRET, key.trim());
  vscode.window.showInformationMessage('Switchboard: client key saved in secret storage.');
  return true;
}

/** The "Forget client key" command. */
export async function forgetClientKey(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(KEY_SECRET);
  vscode.window.showInformationMessage('Switchboard: client key removed.');
}
