// The status bar item: whether the gateway answers, the mode, the model that answered last; a click opens a quick pick
// to change the mode or open the gateway's console.
import * as vscode from 'vscode';
import { baseOf } from './gateway/client.js';
import { MODEL_QUALITIES, type ModelQuality } from './gateway/types.js';
import { readSettings, setModelQuality } from './settings.js';

/** The command the item runs when clicked. */
export const STATUS_MENU_COMMAND = 'switchboard.statusMenu';

const MODE_LABELS: Record<ModelQuality, string> = {
  fastest: 'Fastest: the quickest model that can do the task',
  balanced: 'Balanced: speed and quality',
  best_quality: 'Best quality: the strongest model available',
};

/** The status bar item's state and drawing. */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private reachable: boolean | undefined;
  private lastModel: string | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
    this.item.command = STATUS_MENU_COMMAND;
    this.draw();
    this.item.show();
  }

  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    this.draw();
  }

  setLastModel(model: string | undefined): void {
    if (model === undefined) return;
    this.lastModel = model;
    this.draw();
  }

  /** Redraws from the current settings (after a change of mode). */
  draw(): void {
    const { gatewayUrl, modelQuality } = readSettings();
    const icon = this.reachable === false ? '$(debug-disconnect)' : '$(radio-tower)';
    const model = this.lastModel ? ` · ${this.lastModel}` : '';
    this.item.text = `${icon} Switchboard: ${modelQuality}${model}`;
    const state = this.reachable === undefined ? 'not checked yet' : this.reachable ? 'reachable' : 'not reachable';
    this.item.tooltip = `Gateway ${gatewayUrl}: ${state}\nMode: ${modelQuality}\nLast model: ${this.lastModel ?? 'none yet'}\nClick to change the mode or open the console`;
    this.item.backgroundColor =
      this.reachable === false ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

interface MenuItem extends vscode.QuickPickItem {
  run(): Thenable<unknown> | Promise<unknown>;
}

/** The quick pick behind the status bar item: the three modes, the console, the client key. */
export async function showStatusMenu(): Promise<void> {
  const { gatewayUrl, modelQuality } = readSettings();
  const items: MenuItem[] = [
    ...MODEL_QUALITIES.map((mode) => ({
      label: `${mode === modelQuality ? '$(check) ' : ''}${mode}`,
      description: MODE_LABELS[mode],
      run: () => setModelQuality(mode),
    })),
    {
      label: '$(link-external) Open the console',
      description: `${baseOf(gatewayUrl)}/ui`,
      run: () => vscode.env.openExternal(vscode.Uri.parse(`${baseOf(gatewayUrl)}/ui`)),
    },
    {
      label: '$(key) Set client key',
      run: () => vscode.commands.executeCommand('switchboard.setClientKey'),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Switchboard',
    placeHolder: 'Mode, or the console',
  });
  await picked?.run();
}
