// Provider keys and client keys (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function KeysPage() {
  return (
    <>
      <PageHeader title="Keys" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
