// `switchboard vault check|repair|reset`: the key vault straight on its store, for when the gateway cannot open it
// (and so cannot start). They read the gateway's environment: REDIS_URL or SWITCHBOARD_DATA_DIR, SWITCHBOARD_MASTER_KEY
// (else the master key file in the data directory).
import { Command } from 'commander';
import { readMasterKey } from '../accounts/master-key.js';
import type { VaultReport } from '../accounts/vault-repair.js';
import { SetupError } from '../errors.js';
import { isStoreUnavailable } from '../storage/errors.js';
import type { Stores } from '../storage/index.js';
import { processHost, type CliHost } from './host.js';

/** The vault's repairs, loaded when a vault command runs: the stores they need take long to load for other commands. */
const repairs = () => import('../accounts/vault-repair.js');

export function vaultCommand(host: () => CliHost = processHost): Command {
  const vault = new Command('vault').description(
    'check or repair the key vault on its store, without a running gateway (uses the gateway environment)',
  );
  vault
    .command('check')
    .description('say whether the gateway can open the vault, and which keys it cannot read (exits 1 if any)')
    .action(() =>
      onStore(host(), async (stores, masterKey, out) => {
        const { inspectVault } = await repairs();
        const report = await inspectVault(stores.records, masterKey, stores.recordsLocation);
        out.stdout.write(describe(report, stores.recordsLocation));
        if (report.unreadable.length === 0 && report.meta !== 'damaged') return 0;
        out.stdout.write('Run `switchboard vault repair` to remove them.\n');
        return 1;
      }),
    );
  vault
    .command('repair')
    .description('remove the keys the vault cannot read (they must be added again), keeping every other one')
    .action(() =>
      onStore(host(), async (stores, masterKey, out) => {
        const { repairVault } = await repairs();
        const report = await repairVault(stores.records, masterKey, stores.recordsLocation);
        if (report.unreadable.length === 0 && report.meta !== 'damaged') {
          out.stdout.write(`Nothing to repair: ${describe(report, stores.recordsLocation)}`);
          return 0;
        }
        if (report.meta === 'damaged') out.stdout.write('Removed the damaged meta record.\n');
        for (const entry of report.unreadable)
          out.stdout.write(`Removed ${entry.id}${entry.provider ? ` (${entry.provider})` : ''}: ${entry.problem}\n`);
        out.stdout.write('Add those keys again with `switchboard keys add <provider>` once the gateway runs.\n');
        return 0;
      }),
    );
  vault
    .command('reset')
    .description('delete every stored key and the meta record: for a lost master key (keys must be added again)')
    .option('--yes', 'really delete them')
    .action((options: { yes?: boolean }) =>
      onStore(host(), async (stores, _masterKey, out) => {
        if (options.yes !== true) {
          const count = (await stores.records.list('vault')).length;
          out.stderr.write(
            `This deletes the ${count} key(s) stored in ${stores.recordsLocation}: add --yes to go on\n`,
          );
          return 1;
        }
        const { resetVault } = await repairs();
        const count = await resetVault(stores.records);
        out.stdout.write(`Deleted ${count} key(s) and the vault's meta record from ${stores.recordsLocation}\n`);
        return 0;
      }),
    );
  return vault;
}

/**
 * Opens the gateway's stores (as `host`'s environment says), runs `work`, closes them, then exits with what `work`
 * answered when it is not 0; a SetupError or an unreachable store is a message, exit 1.
 */
async function onStore(
  host: CliHost,
  work: (stores: Stores, masterKey: string | undefined, out: CliHost) => Promise<number>,
): Promise<void> {
  let stores: Stores | undefined;
  let code: number;
  try {
    const [{ createStores, storesOptionsFromEnv }, { pino }] = await Promise.all([
      import('../storage/index.js'),
      import('pino'),
    ]);
    stores = createStores({ ...storesOptionsFromEnv(host.env), logger: pino({ level: 'silent' }) });
    code = await work(stores, readMasterKey(host.env).key, host);
  } catch (err) {
    if (!(err instanceof SetupError) && !isStoreUnavailable(err)) throw err;
    host.stderr.write(`switchboard: ${err.message}\n`);
    code = 1;
  } finally {
    await stores?.close();
  }
  if (code !== 0) host.exit(code);
}

function describe(report: VaultReport, location: string): string {
  const lines = [`The key vault in ${location}: ${report.entries} key(s), meta record ${report.meta}.`];
  for (const entry of report.unreadable)
    lines.push(`  ${entry.id}${entry.provider ? ` (${entry.provider})` : ''}: ${entry.problem}`);
  if (report.unreadable.length === 0 && report.meta !== 'damaged') lines.push('The gateway can open it.');
  return `${lines.join('\n')}\n`;
}
