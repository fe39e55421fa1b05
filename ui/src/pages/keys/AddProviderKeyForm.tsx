// Adding a provider key: the provider from the catalog (on ones first, then the ones a key would turn on), where to
// get a key for it, the key in a password field that is emptied once sent; the gateway checks it with the provider
// at once and the answer is shown. Without a master key the vault cannot store keys, and the form says what to do.
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../components/common';
import { type KeyProvider, useAddProviderKey, type VaultState } from './api';

export function AddProviderKeyForm({ providers, vault }: { providers: KeyProvider[]; vault: VaultState | undefined }) {
  const takesKeys = providers.filter((p) => !p.keyless);
  const [provider, setProvider] = useState('');
  const [key, setKey] = useState('');
  const add = useAddProviderKey();
  const chosen = takesKeys.find((p) => p.id === provider);
  const locked = vault !== undefined && !vault.configured;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ provider, key: key.trim() });
    // The key leaves the page's state as soon as it is sent: only its masked form comes back.
    setKey('');
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="add-provider-key">
      <h3 id="add-provider-key">Add a provider key</h3>
      {locked ? (
        <p className="notice notice-warn">
          Keys cannot be stored here: the gateway has no <code>SWITCHBOARD_MASTER_KEY</code> to encrypt them with. Set
          it (for example to the output of <code>openssl rand -base64 32</code>) and restart the gateway, or put the key
          in the gateway's environment{chosen?.keyEnv[0] ? ` as ${chosen.keyEnv[0]}` : ''}.
        </p>
      ) : null}
      <label htmlFor="key-provider">Provider</label>
      <select id="key-provider" value={provider} onChange={(event) => setProvider(event.target.value)} required>
        <option value="">Choose a provider…</option>
        <optgroup label="On">
          {takesKeys
            .filter((p) => p.enabled)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.keys} {p.keys === 1 ? 'key' : 'keys'})
              </option>
            ))}
        </optgroup>
        <optgroup label="Off: a key turns it on">
          {takesKeys
            .filter((p) => !p.enabled)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
        </optgroup>
      </select>
      {chosen ? <ProviderHint provider={chosen} /> : null}
      <label htmlFor="key-secret">API key</label>
      <input
        id="key-secret"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={key}
        onChange={(event) => setKey(event.target.value)}
        required
      />
      <p className="hint">Stored encrypted in the key vault; shown only masked from now on.</p>
      <ErrorNotice error={add.error} />
      {add.data ? (
        <p role="status" className={`notice ${add.data.ok ? 'notice-ok' : 'notice-warn'}`}>
          Added {add.data.masked} to {add.data.provider}.{' '}
          {add.data.ok
            ? 'The provider accepted it.'
            : `The provider did not accept it: ${add.data.message ?? 'the check failed'}`}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={add.isPending || locked || provider === '' || key.trim() === ''}>
          {add.isPending ? 'Adding and checking…' : 'Add and check'}
        </button>
      </div>
    </form>
  );
}

/** Where to get a key for the chosen provider, its free tier, and why it is off. */
function ProviderHint({ provider }: { provider: KeyProvider }) {
  return (
    <div className="hint">
      {provider.signupUrl ? (
        <p>
          Get a key at{' '}
          <a href={provider.signupUrl} target="_blank" rel="noreferrer">
            {provider.signupUrl}
          </a>
          {provider.keyEnv.length > 0 ? ` (or set ${provider.keyEnv.join(' or ')} in the gateway's environment)` : ''}.
        </p>
      ) : null}
      {provider.notes ? <p>{provider.notes}</p> : null}
      {provider.enabled ? null : <p>Off now: {provider.reason}.</p>}
    </div>
  );
}
