// The sandbox's file operations: text-only bounded reads, atomic bounded writes, sorted bounded listings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceError } from '../../../tools/workspace-paths.js';
import { createWorkspace } from '../../../tools/workspace.js';
import type { Workspace } from '../../../tools/workspace.js';

let project: string;
const open = (options: { maxFileBytes?: number; maxListEntries?: number } = {}): Promise<Workspace> =>
  createWorkspace(project, { roots: [project], ...options });
const file = (relative: string): string => path.join(project, relative);
beforeEach(() => {
  project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-files-')));
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

async function refused(promise: Promise<unknown>, why: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkspaceError);
  expect((err as Error).message).toMatch(why);
}

describe('workspace read', () => {
  it('returns UTF-8 text', async () => {
    fs.writeFileSync(file('hello.md'), 'héllo ✓\n');
    expect(await (await open()).read('hello.md')).toBe('héllo ✓\n');
  });

  it('refuses files over maxFileBytes, and reads one exactly at it', async () => {
    const ws = await open({ maxFileBytes: 10 });
    fs.writeFileSync(file('ten.txt'), '0123456789');
    fs.writeFileSync(file('eleven.txt'), '0123456789!');
    expect(await ws.read('ten.txt')).toBe('0123456789');
    await refused(ws.read('eleven.txt'), /11 bytes, over the 10-byte limit/);
  });

  it('refuses binary files: a NUL byte in the first 8 KiB, or invalid UTF-8', async () => {
    const ws = await open();
    fs.writeFileSync(file('image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]));
    fs.writeFileSync(file('latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
    await refused(ws.read('image.png'), /looks binary/);
    await refused(ws.read('latin1.txt'), /not valid UTF-8/);
  });

  it('says when the file is missing or is a directory', async () => {
    const ws = await open();
    fs.mkdirSync(file('src'));
    await refused(ws.read('nope.txt'), /"nope.txt": it does not exist/);
    await refused(ws.read('src'), /is a directory/);
  });
});

describe('workspace write', () => {
  it('creates parent directories and records the files written, once each, in order', async () => {
    const ws = await open();
    expect(await ws.write('src/lib/math.ts', 'export const one = 1;\n')).toEqual({
      path: 'src/lib/math.ts',
      bytes: 22,
      created: true,
    });
    expect(await ws.write('README.md', '# hi')).toMatchObject({ created: true });
    expect(await ws.write('src/lib/math.ts', 'export const two = 2;\n')).toMatchObject({ created: false });
    expect(fs.readFileSync(file('src/lib/math.ts'), 'utf8')).toBe('export const two = 2;\n');
    expect(ws.writtenFiles()).toEqual(['src/lib/math.ts', 'README.md']);
  });

  it('replaces a file atomically: a reader of the old file keeps the old content, and no temp file is left', async () => {
    const ws = await open();
    fs.mkdirSync(file('src'));
    fs.writeFileSync(file('src/app.ts'), 'old content');
    const reader = fs.openSync(file('src/app.ts'), 'r');
    try {
      await ws.write('src/app.ts', 'new');
      // An in-place write would have truncated the file under the open descriptor.
      expect(fs.readFileSync(reader, 'utf8')).toBe('old content');
    } finally {
      fs.closeSync(reader);
    }
    expect(fs.readFileSync(file('src/app.ts'), 'utf8')).toBe('new');
    expect(fs.readdirSync(file('src'))).toEqual(['app.ts']);
  });

  it("keeps a replaced file's permissions", async () => {
    const ws = await open();
    fs.writeFileSync(file('run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.chmodSync(file('run.sh'), 0o755);
    await ws.write('run.sh', '#!/bin/sh\necho hi\n');
    expect(fs.statSync(file('run.sh')).mode & 0o777).toBe(0o755);
  });

  it('refuses content over maxFileBytes and leaves nothing behind', async () => {
    const ws = await open({ maxFileBytes: 4 });
    await refused(ws.write('big/é.txt', 'ééé'), /6 bytes, over the 4-byte limit/);
    expect(fs.readdirSync(project)).toEqual([]);
    expect(ws.writtenFiles()).toEqual([]);
  });

  it('refuses to write over a directory, the root, or a path ending in "/"', async () => {
    const ws = await open();
    fs.mkdirSync(file('src'));
    fs.writeFileSync(file('notes.txt'), 'n');
    await refused(ws.write('src', 'x'), /is a directory/);
    await refused(ws.write('', 'x'), /names a directory/);
    await refused(ws.write('new/', 'x'), /names a directory/);
    await refused(ws.write('notes.txt/inner.txt', 'x'), /"notes.txt\/inner.txt": a part of the path is a file/);
    expect(fs.readdirSync(project).sort()).toEqual(['notes.txt', 'src']);
  });
});

describe('workspace list', () => {
  beforeEach(() => {
    for (const dir of ['src/util', '.git/objects', 'docs', '.github']) fs.mkdirSync(file(dir), { recursive: true });
    for (const name of ['b.txt', 'a.txt', 'src/index.ts', 'src/Z.ts', '.env.example']) fs.writeFileSync(file(name), '');
  });

  it('lists the root sorted, directories marked with "/", version-control metadata skipped', async () => {
    const listing = await (await open()).list();
    expect(listing).toEqual({
      entries: ['.env.example', '.github/', 'a.txt', 'b.txt', 'docs/', 'src/'],
      total: 6,
      truncated: false,
    });
  });

  it('lists a subdirectory with paths relative to the project, ready for read', async () => {
    const ws = await open();
    expect((await ws.list('src')).entries).toEqual(['src/Z.ts', 'src/index.ts', 'src/util/']);
    expect((await ws.list('src/util/')).entries).toEqual([]);
  });

  it('marks a symlinked directory as a directory', async () => {
    fs.symlinkSync(file('src'), file('source'));
    expect((await (await open()).list()).entries).toContain('source/');
  });

  it('stops at maxListEntries and says it was cut', async () => {
    const listing = await (await open({ maxListEntries: 2 })).list();
    expect(listing).toEqual({ entries: ['.env.example', '.github/'], total: 6, truncated: true });
  });

  it('refuses to list a file or a missing directory', async () => {
    const ws = await open();
    await refused(ws.list('a.txt'), /is a file/);
    await refused(ws.list('missing'), /does not exist/);
  });
});
