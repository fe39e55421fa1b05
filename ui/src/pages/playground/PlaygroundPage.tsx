// Chat with streaming (placeholder).
import { EmptyState, PageHeader } from '../../components/common';

export default function PlaygroundPage() {
  return (
    <>
      <PageHeader title="Playground" />
      <EmptyState title="Not built yet">
        <p>This page is being built.</p>
      </EmptyState>
    </>
  );
}
