// The package as npm ships it: `npm pack` (which builds, through `prepare`) holds what runs and nothing else, every
// package the built code imports is a dependency, and the `switchboard` of a global install works from any directory.
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = path.join(import.meta.dirname, '../..');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
let files: string[];
let prefix: string;
let installed: string;

/**
 * Packs, then installs the tarball as `npm install -g --prefix` lays it out: the package in lib/node_modules, its bin
 * linked (and made executable) in bin/. This machine has no registry to download the dependencies from: the clone's
 * node_modules stands in for them, and the imports test below checks that the built code needs only `dependencies`.
 */
beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'sb-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out], { cwd: REPO, maxBuffer: 1 << 26 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as Array<{ filename: string }>;
  const tarball = path.join(out, packed!.filename);
  files = (await run('tar', ['tzf', tarball], { maxBuffer: 1 << 24 })).stdout.trim().split('\n');
  prefix = path.join(out, 'prefix');
  const lib = path.join(prefix, 'lib', 'node_modules');
  mkdirSync(lib, { recursive: true });
  await run('tar', ['xzf', tarball, '-C', lib]);
  installed = path.join(lib, 'switchboard');
  renameSync(path.join(lib, 'package'), installed);
  symlinkSync(realpathSync(path.join(REPO, 'node_modules')), path.join(installed, 'node_modules'));
  mkdirSync(path.join(prefix, 'bin'));
  const bin = path.join(installed, 'dist/src/cli/index.js');
  chmodSync(bin, 0o755);
  symlinkSync(path.relative(path.join(prefix, 'bin'), bin), path.join(prefix, 'bin', 'switchboard'));
}, 300_000);

/** `switchboard ...args` found on the PATH, run from a directory of its own. */
function switchboard(...args: string[]): Promise<{ out: string; code: number | null }> {
  const child = spawn('switchboard', args, {
    cwd: mkdtempSync(path.join(tmpdir(), 'sb-elsewhere-')),
    env: { PATH: `${path.join(prefix, 'bin')}:${process.env['PATH'] ?? ''}` },
  });
  child.stdin.end();
  let out = '';
  child.stdout.on('data', (data: Buffer) => void (out += data.toString()));
  child.stderr.on('data', (data: Buffer) => void (out += data.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, code })));
}

/** Every .js file under `dir`. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the npm package', { timeout: 60_000 }, () => {
  it('ships the built code, the catalog, README, LICENSE and package.json, and nothing else', () => {
    for (const needed of [
      'dist/src/cli/index.js',
      'dist/src/main.js',
      'dist/src/catalog/catalog.yaml',
      'README.md',
      'LICENSE',
    ])
      expect(files).toContain(`package/${needed}`);
    const other = files.filter((file) => !file.startsWith('package/dist/') && file !== 'package/package.json');
    expect(other.sort()).toEqual(['package/LICENSE', 'package/README.md']);
    expect(
      files.filter((file) => /\.(ts|map|tsbuildinfo)$/.test(file) || /^package\/dist\/(test|bench)\//.test(file)),
    ).toEqual([]);
  });

  it('imports no package that is not a dependency', () => {
    const builtins = new Set(builtinModules);
    const needed = new Set<string>();
    for (const file of scripts(path.join(installed, 'dist'))) {
      const code = readFileSync(file, 'utf8');
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
        ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
        ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((match) => match[1]!);
      for (const spec of specifiers) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/');
        if (!builtins.has(name)) needed.add(name);
      }
    }
    expect(needed.size).toBeGreaterThan(5);
    expect([...needed].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('gives a `switchboard` that answers --version and --help from another directory', async () => {
    const version = await switchboard('--version');
    expect(version).toEqual({ out: `${manifest.version}\n`, code: 0 });
    const help = await switchboard('--help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'usage', 'requests', 'models', 'explain', 'follow'])
      expect(help.out).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    const none = await switchboard('models', '--url', 'http://127.0.0.1:9');
    expect(none.code).toBe(69);
  });
});
