// `switchboard serve`: loads the config, starts the gateway, prints what is enabled and where to add keys.
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { startGateway, type Gateway } from '../main.js';
import type { ResolvedCatalog } from '../catalog/types.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the gateway (default port 8000, or $PORT)')
    .option('-c, --config <file>', 'config file (default: ./switchboard.yaml when present)')
    .option('-p, --port <port>', 'port to listen on (overrides $PORT and the config)', parsePort)
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .action(async (options: { config?: string; port?: number; host?: string }) => {
      try {
        const { config, file } = loadConfig(options.config === undefined ? {} : { file: options.config });
        if (options.port !== undefined) config.server.port = options.port;
        if (options.host !== undefined) config.server.host = options.host;
        const gateway = await startGateway({ config });
        process.stdout.write(`${summary(gateway.registry, file)}Switchboard listening on ${gateway.url}/v1\n`);
        stopOnSignals(gateway);
      } catch (err) {
        if (!(err instanceof ConfigError) && !isListenError(err)) throw err;
        process.stderr.write(`switchboard: ${err.message}\n`);
        process.exit(1);
      }
    });
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
    lines.push('or list providers in switchboard.yaml (see docs/CONFIG.md).');
  } else {
    lines.push(`Enabled: ${registry.providers.length} providers, ${registry.models.length} models`);
    for (const p of registry.providers)
      lines.push(`  ${p.id} (${p.protocol}): ${p.models.length} models, ${p.keys.length || 'no'} key(s)`);
  }
  return `${lines.join('\n')}\n`;
}

function stopOnSignals(gateway: Gateway): void {
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function isListenError(err: unknown): err is Error {
  return err instanceof Error && 'code' in err && (err.code === 'EADDRINUSE' || err.code === 'EACCES');
}
