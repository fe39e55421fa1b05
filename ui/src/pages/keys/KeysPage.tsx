// The Keys page (admin only): provider keys with the vault's state, and client keys with their limits and usage.
import { AdminOnly, PageHeader } from '../../components/common';
import { ClientKeysSection } from './ClientKeysSection';
import { ProviderKeysSection } from './ProviderKeysSection';

export default function KeysPage() {
  return (
    <>
      <PageHeader title="Keys" />
      <AdminOnly what="Key management">
        <div className="keys-page">
          <ProviderKeysSection />
          <ClientKeysSection />
        </div>
      </AdminOnly>
    </>
  );
}
