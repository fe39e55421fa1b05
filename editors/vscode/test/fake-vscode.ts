// A small fake of the VS Code API surface the extension uses (the tests alias `vscode` to this file): it records what
// the extension shows and runs, and answers input boxes, messages and quick picks from scripts the test sets.

import { FakeDocument, type FakeEditor, Uri } from './fake-vscode-text.js';

export * from './fake-vscode-text.js';

type Listener<T> = (value: T) => void;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  Notification = 15,
}
export enum ConfigurationTarget {
  Global = 1,
}

/** Everything the extension showed or ran, and the answers the test scripted. */
export const fake = {
  config: new Map<string, unknown>(),
  secrets: new Map<string, string>(),
  files: new Set<string>(),
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string; actions: string[] }[],
  executed: [] as { id: string; args: unknown[] }[],
  inputBoxes: [] as Record<string, unknown>[],
  quickPicks: [] as { label: string; description?: string }[][],
  opened: [] as string[],
  clipboard: '',
  statusItems: [] as { text: string; tooltip: string; command?: string; backgroundColor?: ThemeColor }[],
  outputLines: [] as string[],
  /** Answers to the next input boxes, in order (undefined: Escape). */
  inputs: [] as (string | undefined)[],
  /** Answers to the next notifications with actions, in order. */
  choices: [] as (string | undefined)[],
  /** Picks the item of the next quick pick by its label (substring). */
  picks: [] as string[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  activeEditor: undefined as FakeEditor | undefined,
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  configChanged: new Emitter<{ affectsConfiguration(section: string): boolean }>(),
  reset(): void {
    this.config.clear();
    this.secrets.clear();
    this.files.clear();
    this.messages.length = 0;
    this.executed.length = 0;
    this.inputBoxes.length = 0;
    this.quickPicks.length = 0;
    this.opened.length = 0;
    this.statusItems.length = 0;
    this.outputLines.length = 0;
    this.inputs.length = 0;
    this.choices.length = 0;
    this.picks.length = 0;
    this.commands.clear();
    this.clipboard = '';
    this.activeEditor = undefined;
    this.workspaceFolders = [];
  },
};

function message(level: 'info' | 'warning' | 'error') {
  return async (text: string, ...actions: unknown[]) => {
    const labels = actions.filter((a): a is string => typeof a === 'string');
    fake.messages.push({ level, text, actions: labels });
    return labels.length > 0 ? fake.choices.shift() : undefined;
  };
}

const disposable = { dispose: () => undefined };

export const window = {
  get activeTextEditor() {
    return fake.activeEditor;
  },
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  setStatusBarMessage: (text: string) => {
    fake.messages.push({ level: 'info', text, actions: [] });
    return disposable;
  },
  async showInputBox(options: Record<string, unknown>) {
    fake.inputBoxes.push(options);
    return fake.inputs.shift();
  },
  async showQuickPick<T extends { label: string; description?: string } | string>(items: T[]) {
    const labelled = items.map((item): { label: string; description?: string } =>
      typeof item === 'string' ? { label: item } : item,
    );
    fake.quickPicks.push(labelled);
    const wanted = fake.picks.shift();
    return wanted === undefined ? undefined : items[labelled.findIndex((item) => item.label.includes(wanted))];
  },
  async showWorkspaceFolderPick() {
    return fake.workspaceFolders[0];
  },
  async withProgress<T>(
    _options: unknown,
    task: (progress: { report(v: unknown): void }, token: unknown) => Promise<T>,
  ) {
    return task(
      { report: () => undefined },
      { isCancellationRequested: false, onCancellationRequested: () => disposable },
    );
  },
  async showTextDocument(target: FakeDocument | Uri) {
    fake.opened.push(target instanceof Uri ? target.toString() : target.uri.toString());
    return fake.activeEditor;
  },
  createStatusBarItem() {
    const item = { text: '', tooltip: '', show: () => undefined, dispose: () => undefined };
    fake.statusItems.push(item);
    return item;
  },
  createOutputChannel() {
    return {
      appendLine: (line: string) => fake.outputLines.push(line),
      show: () => undefined,
      dispose: () => undefined,
    };
  },
  registerWebviewViewProvider: () => disposable,
  onDidChangeActiveTextEditor: () => disposable,
  onDidChangeTextEditorSelection: () => disposable,
};

export const workspace = {
  getConfiguration(section: string) {
    return {
      get: <T>(key: string, fallback: T): T =>
        fake.config.has(`${section}.${key}`) ? (fake.config.get(`${section}.${key}`) as T) : fallback,
      update: async (key: string, value: unknown) => {
        fake.config.set(`${section}.${key}`, value);
        fake.configChanged.fire({ affectsConfiguration: (s) => `${section}.${key}`.startsWith(s) });
      },
    };
  },
  asRelativePath: (uri: Uri) => uri.path.replace(/^\/work\/project\//, ''),
  get workspaceFolders() {
    return fake.workspaceFolders;
  },
  fs: {
    stat: async (uri: Uri) => {
      if (!fake.files.has(uri.path)) throw new Error(`no file ${uri.path}`);
      return {};
    },
  },
  onDidChangeConfiguration: fake.configChanged.event,
  registerTextDocumentContentProvider: () => disposable,
  openTextDocument: async ({ content }: { content: string }) =>
    new FakeDocument(content, Uri.from({ scheme: 'untitled', path: '/Untitled-1' })),
};

export const commands = {
  async executeCommand(id: string, ...args: unknown[]) {
    fake.executed.push({ id, args });
    return fake.commands.get(id)?.(...args);
  },
  registerCommand(id: string, run: (...args: unknown[]) => unknown) {
    fake.commands.set(id, run);
    return disposable;
  },
};

export const env = {
  clipboard: { writeText: async (text: string) => void (fake.clipboard = text) },
  openExternal: async (uri: Uri) => {
    fake.opened.push(uri.toString());
    return true;
  },
};

/** A SecretStorage over `fake.secrets`. */
export const secretStorage = {
  get: async (key: string) => fake.secrets.get(key),
  store: async (key: string, value: string) => void fake.secrets.set(key, value),
  delete: async (key: string) => void fake.secrets.delete(key),
  onDidChange: () => disposable,
};
