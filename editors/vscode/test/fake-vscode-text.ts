// The fake VS Code API's URIs, positions and ranges, and text documents and editors held in memory.

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
