// The switchboard.yaml `switchboard init` writes: a commented file when there is none, else the existing one edited in
// place (its comments kept); either way checked against the config schema before it is written, so `serve` loads it.
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError, expandEnv, parseConfig, type Env } from '../config/load.js';
import { CliError } from './gateway-client.js';

/** What init sets in the file; a field left undefined is left as it is. */
export interface ConfigChoices {
  /** Folders the coding agent may work in (`agents.workspaceRoots`). */
  workspaceRoots?: string[];
}

/** Where the keys are, for the new file's header comment. */
export interface ConfigNotes {
  vaultLocation: string;
  masterKeyFile: string;
}

/**
 * The file's new text, or undefined when there is nothing to write: a file exists and the choices change nothing in
 * it. A new file is the commented template with the choices filled in.
 */
export function plannedConfig(
  existing: string | undefined,
  choices: ConfigChoices,
  notes: ConfigNotes,
): string | undefined {
  if (existing === undefined) return template(choices, notes);
  const doc = parseDocument(existing);
  if (doc.errors.length > 0) throw new CliError(`the config file is not valid YAML: ${doc.errors[0]!.message}`);
  let changed = false;
  if (choices.workspaceRoots !== undefined) {
    const current: unknown = doc.getIn(['agents', 'workspaceRoots']);
    const before = JSON.stringify(isCollection(current) ? current.toJSON() : (current ?? null));
    if (before !== JSON.stringify(choices.workspaceRoots)) {
      if (choices.workspaceRoots.length === 0) doc.deleteIn(['agents', 'workspaceRoots']);
      else doc.setIn(['agents', 'workspaceRoots'], doc.createNode(choices.workspaceRoots));
      changed = true;
    }
  }
  return changed ? doc.toString({ lineWidth: 0 }) : undefined;
}

/** The agent's workspace roots a config file sets now (none when it has no file or sets none). */
export function configuredRoots(existing: string | undefined): string[] {
  if (existing === undefined) return [];
  const value: unknown = (parseYaml(existing) as { agents?: { workspaceRoots?: unknown } } | null)?.agents
    ?.workspaceRoots;
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * Checks `text` as `serve` would load it, then writes it in one step (a temporary file renamed over it), keeping an
 * existing file's mode.
 * @throws CliError naming the bad field, and nothing is written.
 */
export function writeConfig(file: string, text: string, env: Env): void {
  try {
    parseConfig(expandEnv(parseYaml(text) ?? {}, env), file);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`not written, it would not load: ${err.message}`);
    throw err;
  }
  let mode = 0o644;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // a new file
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
}

function isCollection(value: unknown): value is { toJSON(): unknown } {
  return typeof value === 'object' && value !== null && 'toJSON' in value;
}

/** A YAML scalar for any path: JSON's string syntax is YAML's double-quoted style. */
const quoted = (text: string) => JSON.stringify(text);

function template(choices: ConfigChoices, notes: ConfigNotes): string {
  const roots = choices.workspaceRoots ?? [];
  const agents =
    roots.length === 0
      ? [
          '# Folders the coding agent (`switchboard agent`) may read and write, with everything below them:',
          '# agents:',
          '#   workspaceRoots: ["/home/me/code"]',
        ]
      : [
          '# Folders the coding agent (`switchboard agent`) may read and write, with everything below them.',
          'agents:',
          '  workspaceRoots:',
          ...roots.map((root) => `    - ${quoted(root)}`),
        ];
  return `${[
    '# Switchboard: written by `switchboard init`; run it again to change keys or these settings.',
    '# Every field is optional: what is not here comes from the built-in defaults and provider catalog',
    '# (docs/CONFIG.md lists them all). `switchboard serve` (or `npm start`) loads this file.',
    '#',
    '# Provider keys are not in this file: they are in the key vault,',
    `#   ${notes.vaultLocation}`,
    '# encrypted under the master key in',
    `#   ${notes.masterKeyFile}`,
    '# (or $SWITCHBOARD_MASTER_KEY). Keep a copy of the master key: without it the stored keys cannot be read.',
    '',
    'server:',
    '  port: 8000           # $PORT and --port override it',
    '  host: 127.0.0.1      # this machine only; 0.0.0.0 for every interface (then create a client key first)',
    '',
    'routing:',
    '  defaultMode: balanced   # fastest | balanced | best_quality: what `model: "auto"` optimises for',
    '',
    ...agents,
    '',
    '# Override a catalog provider, or add any OpenAI-compatible server:',
    '# providers:',
    '#   - id: groq',
    '#     limits: { rpm: 30, rpd: 1000 }',
    '#   - id: my-vllm',
    '#     protocol: openai',
    '#     baseUrl: http://127.0.0.1:8001/v1',
    '#     keyless: true',
    '#     models: [{ id: my-model, capabilities: [chat, code] }]',
  ].join('\n')}\n`;
}
