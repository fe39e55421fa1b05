// The sandbox's path rules: absolute paths, ".." escapes, NUL bytes, VCS metadata and symlinks out of the project.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceError } from '../../../tools/workspace-paths.js';
import { createWorkspace } from '../../../tools/workspace.js';
import type { Workspace } from '../../../tools/workspace.js';

let base: string;
let project: string;
let outside: string;
let ws: Workspace;
beforeEach(async () => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-sandbox-')));
  project = path.join(base, 'root', 'project');
  outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(project, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(project, '.git', 'hooks'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
  fs.writeFileSync(path.join(project, 'sub', 'a.txt'), 'inside');
  fs.writeFileSync(path.join(project, '.git', 'config'), '[remote] url = https://token@example.com');
  ws = await createWorkspace(project, { roots: [path.join(base, 'root')] });
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

async function refused(promise: Promise<unknown>, why: RegExp, echoesAbsolutePath = false): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkspaceError);
  expect((err as Error).message).toMatch(why);
  // Messages go to the model: they carry no host path it did not send itself.
  if (!echoesAbsolutePath) expect((err as Error).message).not.toContain(base);
}

describe('workspace paths', () => {
  it('resolves relative paths, normalizing ones that stay inside', async () => {
    expect(await ws.resolve('sub/../sub/a.txt')).toMatchObject({
      absolute: path.join(project, 'sub', 'a.txt'),
      relative: 'sub/a.txt',
      exists: true,
    });
    expect(await ws.resolve('')).toMatchObject({ absolute: project, relative: '', exists: true });
    expect(await ws.resolve('new/dir/file.ts')).toMatchObject({
      absolute: path.join(project, 'new', 'dir', 'file.ts'),
      exists: false,
    });
  });

  it('refuses absolute paths, even ones inside the project', async () => {
    await refused(ws.read('/etc/passwd'), /absolute paths are not allowed/);
    await refused(ws.read(path.join(project, 'sub', 'a.txt')), /absolute paths are not allowed/, true);
    await refused(ws.write('C:\\Windows\\x.txt', 'x'), /absolute paths are not allowed/);
  });

  it('refuses ".." escapes for every operation, and writes nothing', async () => {
    await refused(ws.read('../../outside/secret.txt'), /outside the project directory/);
    await refused(ws.write('sub/../../escaped.txt', 'x'), /outside the project directory/);
    await refused(ws.list('..'), /outside the project directory/);
    expect(fs.existsSync(path.join(base, 'root', 'escaped.txt'))).toBe(false);
  });

  it('refuses NUL bytes', async () => {
    await refused(ws.read('sub/a.txt\0.png'), /NUL byte/);
  });

  it('refuses version-control metadata: reading credentials, writing hooks', async () => {
    await refused(ws.read('.git/config'), /version-control metadata/);
    await refused(ws.write('.git/hooks/pre-commit', '#!/bin/sh\n'), /version-control metadata/);
    await refused(ws.read('sub/../.GIT/config'), /version-control metadata/);
    expect(fs.existsSync(path.join(project, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('refuses reading through a symlinked file that leads outside', async () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(project, 'leak.txt'));
    await refused(ws.read('leak.txt'), /symbolic link .*outside the project/);
  });

  it('refuses reading and writing through a symlinked directory that leads outside, creating nothing', async () => {
    fs.symlinkSync(outside, path.join(project, 'out'));
    await refused(ws.read('out/secret.txt'), /symbolic link .*outside the project/);
    await refused(ws.write('out/new.txt', 'x'), /symbolic link .*outside the project/);
    await refused(ws.write('out/deeper/new.txt', 'x'), /symbolic link .*outside the project/);
    await refused(ws.write('out/secret.txt', 'overwritten'), /symbolic link .*outside the project/);
    await refused(ws.list('out'), /symbolic link .*outside the project/);
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('refuses writing through a dangling symlink, which would create its target', async () => {
    fs.symlinkSync(path.join(outside, 'created.txt'), path.join(project, 'dangling.txt'));
    fs.symlinkSync(path.join(outside, 'no-dir'), path.join(project, 'dangling-dir'));
    await refused(ws.write('dangling.txt', 'x'), /symbolic link whose target does not exist/);
    await refused(ws.write('dangling-dir/file.txt', 'x'), /symbolic link whose target does not exist/);
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
  });

  it("refuses a symlink into the project's own .git", async () => {
    fs.symlinkSync(path.join(project, '.git'), path.join(project, 'meta'));
    await refused(ws.read('meta/config'), /version-control metadata/);
  });

  it('follows symlinks that stay inside, writing to the target and keeping the link', async () => {
    fs.symlinkSync(path.join(project, 'sub'), path.join(project, 'alias'));
    fs.symlinkSync(path.join(project, 'sub', 'a.txt'), path.join(project, 'a-link.txt'));
    expect(await ws.read('alias/a.txt')).toBe('inside');
    expect(await ws.write('a-link.txt', 'changed')).toMatchObject({ path: 'sub/a.txt', created: false });
    expect(fs.lstatSync(path.join(project, 'a-link.txt')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(project, 'sub', 'a.txt'), 'utf8')).toBe('changed');
    expect(await ws.write('alias/new.txt', 'n')).toMatchObject({ path: 'sub/new.txt', created: true });
  });
});
