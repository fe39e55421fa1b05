// One run, live (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function RunPage() {
  return (
    <>
      <PageHeader title="Run" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
