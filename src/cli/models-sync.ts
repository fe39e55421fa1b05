// `switchboard models sync`: runs model discovery on the gateway now (POST /admin/catalog/sync) and prints what changed.
import { Command } from 'commander';
import { cliAction, gatewayRequest, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { color, count, json, table } from './output.js';

/** What POST /admin/catalog/sync answers. */
interface SyncReport {
  syncedAt: number;
  providers: Array<{ id: string; ok: boolean; listed?: number; error?: string }>;
  changes: Array<{ at: number; provider: string; model: string; change: string; detail?: string }>;
}

const MARKS: Record<string, (text: string) => string> = {
  appeared: color.green,
  returned: color.green,
  retired: color.red,
  shutdown: color.yellow,
  changed: color.yellow,
};

/** The `models sync` subcommand. */
export function modelsSyncCommand(): Command {
  return withGatewayOptions(new Command('sync'), 'admin')
    .description("list every provider's models from the provider now and print what appeared, retired or changed")
    .option('--json', 'print the report as JSON')
    .action(
      cliAction(async (options: GatewayOptions & { json?: boolean }) => {
        const report = (await gatewayRequest(options, 'POST', '/admin/catalog/sync', { use: 'admin' })) as SyncReport;
        if (options.json) return void process.stdout.write(json(report));
        for (const provider of report.providers) {
          const said = provider.ok ? `${count(provider.listed ?? 0, 'model')} listed` : color.red(provider.error ?? '');
          process.stdout.write(`${provider.id}: ${said}\n`);
        }
        if (report.changes.length === 0) return void process.stdout.write('No change.\n');
        const rows = report.changes.map((c) => [
          (MARKS[c.change] ?? String)(c.change),
          `${c.provider}/${c.model}`,
          c.detail ?? '',
        ]);
        process.stdout.write(table(['CHANGE', 'MODEL', 'DETAIL'], rows));
      }),
    );
}
