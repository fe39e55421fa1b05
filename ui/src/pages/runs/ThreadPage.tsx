// One agent thread, live (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function ThreadPage() {
  return (
    <>
      <PageHeader title="Agent thread" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
