// The provider keys half of the Keys page: the vault's state, the keys per provider (or, with none, where to get a
// free one), and the form to add one.
import { Badge, EmptyState, ErrorNotice, Loading } from '../../components/common';
import { type KeyProvider, useKeyProviders, useProviderKeys, useVault, type VaultState } from './api';
import { AddProviderKeyForm } from './AddProviderKeyForm';
import { ProviderKeyList } from './ProviderKeyList';

export function ProviderKeysSection() {
  const keys = useProviderKeys();
  const providers = useKeyProviders();
  const vault = useVault();
  const known = providers.data ?? [];
  return (
    <section aria-labelledby="provider-keys">
      <h2 id="provider-keys">Provider keys</h2>
      <p className="hint">
        The keys Switchboard calls providers with, spread over every key of a provider and kept under its limits.
      </p>
      {vault.data ? <VaultCard vault={vault.data} /> : <ErrorNotice error={vault.error} />}
      <ErrorNotice error={keys.error ?? providers.error} />
      {keys.isPending ? <Loading what="the provider keys" /> : null}
      {keys.data?.length === 0 ? <NoProviderKeys providers={known} /> : null}
      {keys.data && keys.data.length > 0 ? <ProviderKeyList keys={keys.data} providers={known} /> : null}
      <AddProviderKeyForm providers={known} vault={vault.data} />
    </section>
  );
}

function VaultCard({ vault }: { vault: VaultState }) {
  return (
    <section className="card vault" aria-label="Key vault">
      <p>
        <strong>Key vault</strong>{' '}
        {vault.configured ? <Badge tone="ok">ready</Badge> : <Badge tone="warn">no master key</Badge>} {vault.entries}{' '}
        {vault.entries === 1 ? 'key' : 'keys'} stored in {vault.location}.
      </p>
      {vault.configured ? null : (
        <p className="hint">
          Keys added here are encrypted with <code>SWITCHBOARD_MASTER_KEY</code>; it is not set, so only keys from the
          environment and the config file can be used.
        </p>
      )}
      {vault.problems.length > 0 ? (
        <div className="notice notice-error">
          <p>
            The vault has problems (<code>switchboard vault check</code> says the same;{' '}
            <code>switchboard vault repair</code> removes what cannot be read):
          </p>
          <ul>
            {vault.problems.map((p) => (
              <li key={`${p.id ?? ''}${p.problem}`}>
                {p.id ? (
                  <>
                    <code>{p.id}</code>
                    {p.provider ? ` (${p.provider})` : ''}:{' '}
                  </>
                ) : null}
                {p.problem}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** No provider keys at all: the providers with a free tier, and where to get their keys. */
function NoProviderKeys({ providers }: { providers: KeyProvider[] }) {
  const free = providers.filter((p) => !p.keyless && p.signupUrl && /^free/i.test(p.notes ?? ''));
  return (
    <EmptyState title="No provider keys yet">
      <p>
        Switchboard answers with your providers' keys. Get a free key from one of these, then add it below (or set its
        variable in the gateway's environment and restart):
      </p>
      <ul className="free-keys">
        {free.map((p) => (
          <li key={p.id}>
            <a href={p.signupUrl} target="_blank" rel="noreferrer">
              {p.name}
            </a>
            {p.keyEnv[0] ? (
              <>
                {' '}
                (<code>{p.keyEnv[0]}</code>)
              </>
            ) : null}
            {p.notes ? <span className="hint"> {firstSentence(p.notes)}</span> : null}
          </li>
        ))}
      </ul>
    </EmptyState>
  );
}

function firstSentence(text: string): string {
  return text.split(/(?<=\.)\s/)[0] ?? text;
}
