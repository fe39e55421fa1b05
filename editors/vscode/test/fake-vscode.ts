// A small fake of the VS Code API surface the extension uses (the tests alias `vscode` to this file): it records what
// the extension shows and runs, and answers input boxes, messages and quick picks from scripts the test sets.

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

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(text: string): Uri {
    const url = new URL(text);
    return new Uri(url.protocol.replace(':', ''), `//${url.host}${url.pathname}`, url.search.replace('?', ''));
  }
  static from(parts: { scheme: string; path: string; query?: string }): Uri {
    return new Uri(parts.scheme, parts.path, parts.query ?? '');
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/+$/, ''), ...segments].join('/'), base.query);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}

export class Selection extends Range {
  get active(): Position {
    return this.end;
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

/** A text document held in memory. */
export class FakeDocument {
  version = 1;
  constructor(
    public text: string,
    readonly uri: Uri = Uri.file('/work/project/src/app.ts'),
    readonly languageId = 'typescript',
  ) {}
  offsetAt(position: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < position.line; i += 1) offset += lines[i]!.length + 1;
    return offset + position.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before.at(-1)!.length);
  }
  getText(range?: Range): string {
    if (range === undefined) return this.text;
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
}

/** An editor on a FakeDocument; `edit` applies inserts and replaces to its text. */
export class FakeEditor {
  viewColumn = 1;
  constructor(
    readonly document: FakeDocument,
    public selection: Selection = new Selection(new Position(0, 0), new Position(0, 0)),
  ) {}
  async edit(
    build: (edit: { insert(at: Position, text: string): void; replace(range: Range, text: string): void }) => void,
  ) {
    const edits: { from: number; to: number; text: string }[] = [];
    build({
      insert: (at, text) => edits.push({ from: this.document.offsetAt(at), to: this.document.offsetAt(at), text }),
      replace: (range, text) =>
        edits.push({ from: this.document.offsetAt(range.start), to: this.document.offsetAt(range.end), text }),
    });
    for (const { from, to, text } of edits.sort((a, b) => b.from - a.from))
      this.document.text = this.document.text.slice(0, from) + text + this.document.text.slice(to);
    this.document.version += 1;
    return true;
  }
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
