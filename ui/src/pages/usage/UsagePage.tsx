// Usage over time (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function UsagePage() {
  return (
    <>
      <PageHeader title="Usage" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
