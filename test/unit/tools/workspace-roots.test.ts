// Which project directories a request may name: SWITCHBOARD_WORKSPACE_ROOTS parsing and the 400s from createWorkspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors.js';
import { parseWorkspaceRoots } from '../../../tools/workspace-roots.js';
import { createWorkspace } from '../../../tools/workspace.js';

let base: string;
beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-roots-')));
  fs.mkdirSync(path.join(base, 'allowed', 'project'), { recursive: true });
  fs.mkdirSync(path.join(base, 'elsewhere', 'project'), { recursive: true });
  fs.writeFileSync(path.join(base, 'allowed', 'notes.txt'), 'x');
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

async function refusal(projectDirectory: string, roots: string[]): Promise<GatewayError> {
  const err = await createWorkspace(projectDirectory, { roots }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  const gatewayError = err as GatewayError;
  expect(gatewayError.status).toBe(400);
  expect(gatewayError.param).toBe('project_directory');
  return gatewayError;
}

describe('parseWorkspaceRoots', () => {
  it('reads no roots when the variable is unset or blank', () => {
    expect(parseWorkspaceRoots({})).toEqual([]);
    expect(parseWorkspaceRoots({ SWITCHBOARD_WORKSPACE_ROOTS: ' , :' })).toEqual([]);
  });

  it('splits on the path delimiter and on commas, trims, resolves and de-duplicates', () => {
    const env = { SWITCHBOARD_WORKSPACE_ROOTS: `/srv/a${path.delimiter} /srv/b , /srv/c,/srv/a, rel` };
    expect(parseWorkspaceRoots(env)).toEqual(['/srv/a', '/srv/b', '/srv/c', path.resolve('rel')]);
  });
});

describe('createWorkspace: project_directory', () => {
  it('opens a directory under an allowed root, and the root itself', async () => {
    const project = path.join(base, 'allowed', 'project');
    expect((await createWorkspace(project, { roots: [path.join(base, 'allowed')] })).root).toBe(project);
    expect((await createWorkspace(path.join(base, 'allowed'), { roots: [path.join(base, 'allowed')] })).root).toBe(
      path.join(base, 'allowed'),
    );
  });

  it('is refused when no roots are configured, saying how to allow one', async () => {
    const err = await refusal(path.join(base, 'allowed', 'project'), []);
    expect(err.code).toBe('workspace_disabled');
    expect(err.message).toMatch(/no workspace roots.*SWITCHBOARD_WORKSPACE_ROOTS/);
  });

  it('is refused outside every root, and when it only looks inside through ".."', async () => {
    const roots = [path.join(base, 'allowed')];
    expect((await refusal(path.join(base, 'elsewhere', 'project'), roots)).code).toBe('workspace_not_allowed');
    expect((await refusal(`${base}/allowed/../elsewhere/project`, roots)).message).toMatch(
      /not under an allowed workspace root/,
    );
    // A sibling whose name merely starts with the root's name is outside it.
    fs.mkdirSync(path.join(base, 'allowed-not'));
    expect((await refusal(path.join(base, 'allowed-not'), roots)).code).toBe('workspace_not_allowed');
  });

  it('is refused when a symlink inside a root points the project elsewhere', async () => {
    fs.symlinkSync(path.join(base, 'elsewhere', 'project'), path.join(base, 'allowed', 'link'));
    expect((await refusal(path.join(base, 'allowed', 'link'), [path.join(base, 'allowed')])).code).toBe(
      'workspace_not_allowed',
    );
  });

  it('accepts a symlinked root, named by either path', async () => {
    fs.symlinkSync(path.join(base, 'allowed'), path.join(base, 'root-link'));
    const real = path.join(base, 'allowed', 'project');
    expect((await createWorkspace(real, { roots: [path.join(base, 'root-link')] })).root).toBe(real);
    expect(
      (await createWorkspace(path.join(base, 'root-link', 'project'), { roots: [path.join(base, 'allowed')] })).root,
    ).toBe(real);
  });

  it('says when the directory does not exist or is a file', async () => {
    const roots = [path.join(base, 'allowed')];
    const missing = await refusal(path.join(base, 'allowed', 'nope'), roots);
    expect([missing.code, missing.message]).toEqual(['workspace_not_found', expect.stringMatching(/does not exist/)]);
    const file = await refusal(path.join(base, 'allowed', 'notes.txt'), roots);
    expect([file.code, file.message]).toEqual(['workspace_not_directory', expect.stringMatching(/is not a directory/)]);
  });

  it('never says whether a path outside the roots exists', async () => {
    const err = await refusal(path.join(base, 'elsewhere', 'missing'), [path.join(base, 'allowed')]);
    expect(err.code).toBe('workspace_not_allowed');
  });

  it('must be absolute', async () => {
    expect((await refusal('allowed/project', [path.join(base, 'allowed')])).code).toBe('invalid_project_directory');
  });
});
