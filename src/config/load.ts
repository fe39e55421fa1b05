// Loads switchboard.yaml: reads the file, expands ${VAR} from the environment, and validates it with a message naming
// the bad field.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { SetupError } from '../errors.js';
import { leafPaths } from './paths.js';
import { ConfigSchema, type Config } from './schema.js';

export type Env = Record<string, string | undefined>;

/** A config file that cannot be read or does not validate; the message names the file and each bad field. */
export class ConfigError extends SetupError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** An explicit `--config FILE`: it must exist. Without it, `./switchboard.yaml` is used when present. */
  file?: string;
  cwd?: string;
  env?: Env;
  /** Command-line flags (`--port`, `--host`): they win over the environment and the file. */
  flags?: { port?: number; host?: string };
}

/** Where a value the defaults do not give comes from: the file, an environment variable, or a command-line flag. */
export type SetBy = 'file' | 'env' | 'flag';

export interface LoadedConfig {
  config: Config;
  /** The file that was read, if any. */
  file?: string;
  /** The leaf paths (`server.port`, `routing.rules`) that the file, the environment or a flag set; others are defaults. */
  setBy: Map<string, SetBy>;
}

const DEFAULT_CONFIG_FILE = 'switchboard.yaml';

/**
 * Reads and validates the config; environment variables PORT, HOST and LOG_LEVEL override the file, and the flags
 * override both. Loading again with the same options (and `file` set to the file it read) reads the same file.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = pickFile(options.file, cwd);
  const expanded = expandEnv(file === undefined ? {} : readYaml(file), env);
  const setBy = new Map<string, SetBy>(leafPaths(expanded).map((path) => [path, 'file']));
  const config = parseConfig(applyEnvOverrides(expanded, env, setBy), file ?? 'defaults');
  const { port, host } = options.flags ?? {};
  if (port !== undefined) {
    config.server.port = port;
    setBy.set('server.port', 'flag');
  }
  if (host !== undefined) {
    config.server.host = host;
    setBy.set('server.host', 'flag');
  }
  return file === undefined ? { config, setBy } : { config, file, setBy };
}

function pickFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
    return path;
  }
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    // The parser's message ends with the offending lines quoted, which may hold a key: the first line says where.
    const where = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/:$/, '');
    throw new ConfigError(`${file}: not valid YAML: ${where}`);
  }
}

/** Validates a parsed config object; `source` names it in the error message. */
export function parseConfig(value: unknown, source: string): Config {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(`${source}: invalid config:\n${formatIssues(result.error.issues)}`);
}

/** One line per issue, each naming its field as `providers[0].baseUrl`. */
export function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `  - ${formatPath(issue.path) || '(root)'}: ${issue.message}`).join('\n');
}

export function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${VAR}` in every string of `value` with the environment's value ('' when unset). */
export function expandEnv(value: unknown, env: Env): unknown {
  if (typeof value === 'string') return value.replace(VAR, (_, name: string) => env[name] ?? '');
  if (Array.isArray(value)) return value.map((item) => expandEnv(item, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnv(item, env)]));
  }
  return value;
}

function applyEnvOverrides(value: unknown, env: Env, setBy: Map<string, SetBy>): unknown {
  const root =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>) }
      : {};
  const server = { ...((root['server'] as Record<string, unknown> | undefined) ?? {}) };
  if (env['PORT']) {
    server['port'] = parsePort(env['PORT']);
    setBy.set('server.port', 'env');
  }
  if (env['HOST']) {
    server['host'] = env['HOST'];
    setBy.set('server.host', 'env');
  }
  root['server'] = server;
  if (env['LOG_LEVEL']) {
    root['logLevel'] = env['LOG_LEVEL'];
    setBy.set('logLevel', 'env');
  }
  return root;
}

/** PORT as a number; a ConfigError naming PORT (not a field of a file it did not come from) when it is not a port. */
function parsePort(value: string): number {
  const port = Number(value.trim());
  if (/^\d+$/.test(value.trim()) && port <= 65535) return port;
  throw new ConfigError(`PORT must be a port number (0-65535), not ${JSON.stringify(value)}`);
}
