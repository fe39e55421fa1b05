// The Models page's "Catalog changes" (admin): what discovery found in the providers' own listings, newest first
// (models that appeared, were retired, came back, changed, got a shutdown date or reached it), and a "Sync now" that lists every
// provider at once and says what each answered.
import { Badge, EmptyState, ErrorNotice } from '../../components/common';
import { formatInt, formatRelative, formatTime } from '../../format';
import { type CatalogChange, type SyncReport, useCatalogChanges, useSyncNow } from './catalog-api';

const TONE = {
  appeared: 'ok',
  returned: 'ok',
  retired: 'bad',
  expired: 'bad',
  shutdown: 'warn',
  changed: 'neutral',
} as const;
const WORDS = {
  appeared: 'appeared',
  returned: 'came back',
  retired: 'retired',
  expired: 'shut down',
  shutdown: 'shutdown date',
  changed: 'changed',
} as const;

function SyncResult({ report }: { report: SyncReport }) {
  const failed = report.providers.filter((p) => !p.ok);
  const listed = report.providers.filter((p) => p.ok);
  return (
    <div role="status" className={failed.length > 0 ? 'notice notice-warn' : 'notice notice-ok'}>
      Synced {formatRelative(report.syncedAt)}: {listed.length} {listed.length === 1 ? 'provider' : 'providers'} listed
      ({listed.map((p) => `${p.id} ${formatInt(p.listed ?? 0)}`).join(', ') || 'none'});{' '}
      {report.changes.length === 0
        ? 'nothing changed.'
        : `${report.changes.length} ${report.changes.length === 1 ? 'change' : 'changes'}.`}
      {failed.length > 0 ? (
        <ul>
          {failed.map((p) => (
            <li key={p.id}>
              {p.id}: {p.error ?? 'could not be listed'}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ChangeRow({ change }: { change: CatalogChange }) {
  return (
    <tr data-change={`${change.change} ${change.provider}/${change.model}`}>
      <td title={formatTime(change.at)}>{new Date(change.at).toLocaleDateString()}</td>
      <td>
        <code>
          {change.provider}/{change.model}
        </code>
      </td>
      <td>
        <Badge tone={TONE[change.change]}>{WORDS[change.change]}</Badge>
      </td>
      <td className="hint">{change.detail ?? ''}</td>
    </tr>
  );
}

export function CatalogChanges() {
  const changes = useCatalogChanges();
  const sync = useSyncNow();
  return (
    <section className="card" aria-labelledby="catalog-changes-title" id="catalog-changes">
      <div className="provider-head">
        <h2 id="catalog-changes-title">Catalog changes</h2>
        <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
          {sync.isPending ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      <p className="hint">
        Discovery reads each provider's own model list on start and every <code>discovery.intervalHours</code>: new
        models join (marked discovered), models gone from a listing are retired and no longer routed to.
      </p>
      <ErrorNotice error={sync.error} />
      {sync.data ? <SyncResult report={sync.data} /> : null}
      <ErrorNotice error={changes.error} />
      {changes.data && changes.data.length === 0 ? (
        <EmptyState title="No catalog changes yet">
          <p>
            No listing has changed the catalog. <strong>Sync now</strong> lists every provider at once; with{' '}
            <code>discovery.enabled: false</code> in the config, that is the only way models are discovered.
          </p>
        </EmptyState>
      ) : null}
      {changes.data && changes.data.length > 0 ? (
        <table aria-label="Catalog changes, newest first">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Model</th>
              <th scope="col">Change</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {changes.data.map((change) => (
              <ChangeRow key={`${change.at} ${change.provider}/${change.model} ${change.change}`} change={change} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
