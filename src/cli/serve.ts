// `switchboard serve`: loads the config, starts the gateway, prints what is enabled and where to add keys.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.js';
import { SetupError } from '../errors.js';
import type { Gateway } from '../main.js';
import { EXPOSED_WARNING } from '../server/listen.js';
import { isStoreUnavailable } from '../storage/errors.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { processHost, type CliHost } from './host.js';
import { isWorker, obeyPrimary, parseWorkers, superviseWorkers, workerHost, workersRefusal } from './serve-workers.js';

/**
 * Exit codes of a start that fails (sysexits.h), so that a supervisor can tell "fix the setup" (do not restart in a
 * loop) from "a dependency is down" (restart later).
 */
const EXIT_CONFIG = 78;
const EXIT_UNAVAILABLE = 69;
const EXIT_SOFTWARE = 70;

/**
 * Where `serve` runs; `serving` is handed the gateway once it listens (the process's: stop it on SIGINT or SIGTERM).
 * `supervise` runs that many workers instead (the process's: node:cluster); absent, only one may serve.
 */
export type ServeHost = CliHost & { serving(gateway: Gateway): void; supervise?(workers: number): void };

function processServeHost(): ServeHost {
  const base = processHost();
  // A worker of `--workers`: it serves, and its output goes to the primary, which supervises.
  if (isWorker()) return { ...workerHost(base), serving: stopOnSignals };
  return { ...base, serving: stopOnSignals, supervise: (workers) => superviseWorkers(workers, base) };
}

export function serveCommand(host: () => ServeHost = processServeHost): Command {
  return new Command('serve')
    .description('serve the gateway (default 127.0.0.1:8000, or $HOST and $PORT)')
    .option('-c, --config <file>', 'config file (default: ./switchboard.yaml when present)')
    .option('-p, --port <port>', 'port to listen on (overrides $PORT and the config)', parsePort)
    .option('--host <host>', 'interface to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every one)')
    .option(
      '--allow-public',
      'listen beyond loopback even with client auth off (anyone who reaches the port can use the keys); also SWITCHBOARD_ALLOW_PUBLIC=1',
    )
    .option(
      '--workers <count>',
      'gateway processes serving the port: a number, or auto (one per core); more than 1 needs REDIS_URL; also SWITCHBOARD_WORKERS',
    )
    .action(async (options: ServeOptions) => {
      const on = host();
      if (!isWorker() && startWorkers(options.workers ?? on.env['SWITCHBOARD_WORKERS'], on)) return;
      try {
        const { env, cwd } = on;
        const flags = {
          ...(options.port === undefined ? {} : { port: options.port }),
          ...(options.host === undefined ? {} : { host: options.host }),
        };
        const source = { env, cwd, ...(options.config === undefined ? {} : { file: options.config }), flags };
        const loaded = loadConfig(source);
        const { config, file } = loaded;
        // Read again from the same file (even if ./switchboard.yaml was found by looking), with the same flags.
        const read = () => loadConfig({ ...source, ...(file === undefined ? {} : { file }) });
        // Loaded here, not at the top: the whole gateway takes seconds to import, which every other command would pay.
        const { createLogger, startGateway } = await import('../main.js');
        const gateway = await startGateway({
          config,
          env,
          configSource: { ...loaded, read },
          ...(on.log === undefined ? {} : { logger: createLogger(config.logLevel, env['LOG_FORMAT'], on.log) }),
          ...(options.allowPublic ? { allowPublic: true } : {}),
        });
        // Before the line a supervisor waits for: a SIGHUP sent the moment it reads it must not end the process.
        on.serving(gateway);
        if (gateway.exposed) on.stderr.write(`switchboard: warning: ${EXPOSED_WARNING}\n`);
        const where = gateway.address === gateway.url ? '' : ` (every interface; from here: ${gateway.url}/v1)`;
        on.stdout.write(`${summary(gateway.registry, file)}Switchboard listening on ${gateway.address}/v1${where}\n`);
      } catch (err) {
        const [code, message] = startFailure(err);
        on.stderr.write(`switchboard: ${message}\n`);
        on.exit(code);
      }
    });
}

interface ServeOptions {
  config?: string;
  port?: number;
  host?: string;
  allowPublic?: boolean;
  workers?: string;
}

/**
 * Starts the workers when more than one is asked for (true: the primary supervises them, this process serves
 * nothing), or refuses with exit 78 (true) when they may not run; false: this process serves.
 */
function startWorkers(value: string | undefined, on: ServeHost): boolean {
  let workers: number;
  try {
    workers = parseWorkers(value);
  } catch (err) {
    on.stderr.write(`switchboard: ${(err as Error).message}\n`);
    on.exit(EXIT_CONFIG);
    return true;
  }
  if (workers <= 1) return false;
  const refused =
    workersRefusal(workers, on.env) ?? (on.supervise === undefined ? '--workers: not in this host' : undefined);
  if (refused !== undefined) {
    on.stderr.write(`switchboard: ${refused}\n`);
    on.exit(EXIT_CONFIG);
    return true;
  }
  on.supervise?.(workers);
  return true;
}

/** The exit code and the one message of a failed start: never a stack trace, never the Redis URL (it may hold a password). */
function startFailure(err: unknown): [number, string] {
  if (err instanceof SetupError) return [EXIT_CONFIG, err.message];
  if (isStoreUnavailable(err)) {
    return [
      EXIT_UNAVAILABLE,
      'Redis (REDIS_URL) did not answer: start it or correct REDIS_URL; each command waits ' +
        'SWITCHBOARD_REDIS_TIMEOUT_MS (default 1000) for an answer',
    ];
  }
  const message = err instanceof Error ? err.message : String(err);
  return [EXIT_SOFTWARE, `could not start: ${message}`];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('not a port number');
  return port;
}

/** What is on, and where to add keys when nothing is. */
function summary(registry: ResolvedCatalog, file: string | undefined): string {
  const lines = [`Config: ${file ?? 'built-in defaults (no switchboard.yaml)'}`];
  if (registry.providers.length === 0) {
    lines.push('No provider is enabled. Add a key to the environment, for example:');
    for (const p of registry.disabled.filter((d) => d.keyEnv.length > 0).slice(0, 6)) {
      lines.push(`  export ${p.keyEnv[0]}=...${p.signupUrl ? `   (get one at ${p.signupUrl})` : ''}`);
    }
    lines.push(
      'or run `switchboard init` to store keys encrypted, or list providers in switchboard.yaml (docs/CONFIG.md).',
    );
  } else {
    lines.push(`Enabled: ${registry.providers.length} providers, ${registry.models.length} models`);
    for (const p of registry.providers)
      lines.push(`  ${p.id} (${p.protocol}): ${p.models.length} models, ${p.keys.length || 'no'} key(s)`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * SIGINT and SIGTERM stop the gateway gracefully (the requests in flight finish within server.shutdownGraceMs), a
 * second one at once; SIGHUP reads the config file again (its outcome is logged).
 */
function stopOnSignals(gateway: Gateway): void {
  let stopping = false;
  const stop = (now: boolean) => {
    const stopped = now || stopping ? gateway.close() : gateway.shutdown();
    stopping = true;
    void stopped.then(() => process.exit(0));
  };
  const reload = () => void gateway.reloadConfig();
  process.on('SIGINT', () => stop(false));
  process.on('SIGTERM', () => stop(false));
  process.on('SIGHUP', reload);
  // A worker: the primary's graceful stop may come with the same signal to the worker itself (a process group's),
  // so it never counts as a second one.
  if (isWorker())
    obeyPrimary((now) => {
      if (now || !stopping) stop(now);
    }, reload);
}
