// The model catalog (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function ModelsPage() {
  return (
    <>
      <PageHeader title="Models" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
