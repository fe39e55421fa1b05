// What `switchboard vault check|repair|reset` do to a key vault the gateway cannot open, straight on its store (the
// gateway need not, and often cannot, run): find what cannot be read, remove it, or remove everything.
import type { RecordStore } from '../storage/types.js';
import { META_ID, VAULT_COLLECTION, VAULT_META_COLLECTION } from './key-vault.js';
import type { VaultState } from './types.js';
import { KeyVaultError, parseVaultMeta } from './vault-crypto.js';
import { noMasterKey, openMeta, readEntry } from './vault-entries.js';

/** An entry that cannot be used, and why. */
export interface UnreadableEntry {
  id: string;
  provider?: string;
  problem: string;
}

/** What a vault holds, and what of it cannot be read. */
export interface VaultReport {
  entries: number;
  meta: 'ok' | 'missing' | 'damaged';
  /** Entries that cannot be used: all of them when the meta record is missing or damaged. */
  unreadable: UnreadableEntry[];
}

/**
 * Reads every record of the vault in `records` with `masterKey`. Throws KeyVaultError when nothing can be judged: the
 * vault holds keys and the master key is not set, or is not the vault's (both say the way out).
 */
export async function inspectVault(
  records: RecordStore,
  masterKey: string | undefined,
  location: string,
): Promise<VaultReport> {
  const stored = await records.list(VAULT_COLLECTION);
  const metaText = await records.get(VAULT_META_COLLECTION, META_ID);
  const all = (problem: string) => stored.map(({ id, value }) => ({ id, problem, ...provider(providerOf(value)) }));
  if (metaText === undefined) return { entries: stored.length, meta: 'missing', unreadable: all('no meta record') };
  try {
    parseVaultMeta(metaText, location);
  } catch (err) {
    if (!(err instanceof KeyVaultError)) throw err;
    return { entries: stored.length, meta: 'damaged', unreadable: all('its meta record is damaged') };
  }
  if (stored.length === 0) return { entries: 0, meta: 'ok', unreadable: [] };
  if (masterKey === undefined || masterKey === '') throw noMasterKey(location, stored.length);
  const { key } = await openMeta(masterKey, metaText, location, stored.length);
  const unreadable: UnreadableEntry[] = [];
  for (const { id, value } of stored) {
    const entry = readEntry(key, id, value);
    if ('problem' in entry) unreadable.push({ id, problem: entry.problem, ...provider(entry.provider) });
  }
  return { entries: stored.length, meta: 'ok', unreadable };
}

/**
 * inspectVault's findings for the admin API (`GET /admin/vault`): a vault it cannot judge at all (no master key, or
 * another one) is a problem in the answer, not an error. Derives the vault key each time (scrypt, about 0.1 s).
 */
export async function vaultState(
  records: RecordStore,
  masterKey: string | undefined,
  location: string,
): Promise<VaultState> {
  const configured = masterKey !== undefined && masterKey !== '';
  try {
    const report = await inspectVault(records, masterKey, location);
    const problems: VaultState['problems'] = [...report.unreadable];
    if (report.meta === 'damaged' && report.entries === 0)
      problems.push({ problem: "the vault's meta record is damaged: run `switchboard vault repair`" });
    return { configured, location, entries: report.entries, problems };
  } catch (err) {
    if (!(err instanceof KeyVaultError)) throw err;
    const entries = (await records.list(VAULT_COLLECTION)).length;
    return { configured, location, entries, problems: [{ problem: err.message }] };
  }
}

/** Removes what inspectVault found unreadable (and a damaged meta record); resolves the report of before. */
export async function repairVault(
  records: RecordStore,
  masterKey: string | undefined,
  location: string,
): Promise<VaultReport> {
  const report = await inspectVault(records, masterKey, location);
  for (const { id } of report.unreadable) await records.delete(VAULT_COLLECTION, id);
  if (report.meta === 'damaged') await records.delete(VAULT_META_COLLECTION, META_ID);
  return report;
}

/** Deletes every entry and the meta record: the next key added starts a new vault. Resolves how many keys went. */
export async function resetVault(records: RecordStore): Promise<number> {
  const stored = await records.list(VAULT_COLLECTION);
  for (const { id } of stored) await records.delete(VAULT_COLLECTION, id);
  await records.delete(VAULT_META_COLLECTION, META_ID);
  return stored.length;
}

function provider(name: string | undefined): { provider?: string } {
  return name === undefined ? {} : { provider: name };
}

/** The provider an entry names in the clear, if it can be read at all. */
function providerOf(value: string): string | undefined {
  try {
    const provider = (JSON.parse(value) as { provider?: unknown }).provider;
    return typeof provider === 'string' ? provider : undefined;
  } catch {
    return undefined;
  }
}
