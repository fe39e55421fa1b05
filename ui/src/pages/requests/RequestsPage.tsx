// The request log (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function RequestsPage() {
  return (
    <>
      <PageHeader title="Requests" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
