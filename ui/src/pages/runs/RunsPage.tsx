// Recent runs (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
