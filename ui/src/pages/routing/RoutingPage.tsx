// Routing settings and the explain playground (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function RoutingPage() {
  return (
    <>
      <PageHeader title="Routing" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
