// The Overview (admin only): live figures, the providers with their circuits and keys, and the free-tier cockpit,
// read from GET /admin/status every 5 s.
import { Link } from 'react-router';
import { AdminOnly, EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { formatTime } from '../../format';
import { useStatus } from './api';
import { FreeTierCockpit } from './FreeTierCockpit';
import { LiveStats } from './LiveStats';
import { ProvidersTable } from './ProvidersTable';

function NoProvider() {
  return (
    <EmptyState title="No provider is enabled">
      <p>
        The gateway has no key for any provider yet. <Link to="/keys">Add a provider key</Link> on the Keys page, or run{' '}
        <code>switchboard init</code> to pick free providers and store their keys.
      </p>
    </EmptyState>
  );
}

function Overview() {
  const status = useStatus();
  if (status.isPending) return <Loading what="the gateway's status" />;
  if (status.isError) return <ErrorNotice error={status.error} />;
  const snapshot = status.data;
  const enabled = snapshot.providers.filter((p) => p.enabled);
  return (
    <div className="overview-page">
      {/* A failed refresh keeps the last snapshot on screen, with the error above it. */}
      <ErrorNotice error={status.error} />
      <p className="hint">As of {formatTime(snapshot.generatedAt)}, refreshed every 5 s.</p>
      {enabled.length === 0 ? <NoProvider /> : null}
      <LiveStats live={snapshot.totals.requests} minutes={snapshot.windowMinutes} />
      {enabled.length === 0 ? null : (
        <FreeTierCockpit providers={snapshot.providers} below={snapshot.nearlySpentBelow} />
      )}
      <ProvidersTable providers={snapshot.providers} />
    </div>
  );
}

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" />
      <AdminOnly what="The overview">
        <Overview />
      </AdminOnly>
    </>
  );
}
