// The overview: providers, live health and the free-tier cockpit (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
