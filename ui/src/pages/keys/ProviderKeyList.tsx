// The provider keys in use, one table per provider: masked, where each came from, whether it can serve now (usable,
// resting until a time, disabled and why), the limits it learned from the provider, and how often it was used; validate
// any key, remove the vault's own.
import { useState } from 'react';
import { Badge, ErrorNotice } from '../../components/common';
import { formatCompact, formatInt, formatRelative, formatTime } from '../../format';
import { LIMIT_NAMES, learnedEntries, learnedFrom } from '../../limits';
import { type KeyProvider, type ProviderKey, useRemoveKey, useValidateKey } from './api';
import { ConfirmButton } from './ConfirmButton';

const SOURCES: Record<ProviderKey['source'], string> = {
  env: 'environment',
  config: 'config file',
  vault: 'vault',
};

export function ProviderKeyList({ keys, providers }: { keys: ProviderKey[]; providers: KeyProvider[] }) {
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const byProvider = new Map<string, ProviderKey[]>();
  for (const key of keys) byProvider.set(key.provider, [...(byProvider.get(key.provider) ?? []), key]);
  return (
    <>
      {[...byProvider].map(([provider, list]) => (
        <section key={provider} className="card" aria-labelledby={`keys-${provider}`}>
          <h3 id={`keys-${provider}`}>
            {names.get(provider) ?? provider} <span className="hint">({provider})</span>
          </h3>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Learned limits</th>
                  <th scope="col" className="num">
                    Calls
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((key) => (
                  <KeyRow key={key.id} providerKey={key} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

function KeyRow({ providerKey: key }: { providerKey: ProviderKey }) {
  const validate = useValidateKey();
  const remove = useRemoveKey();
  // The last check's answer, kept beside the row until the next one.
  const [checked, setChecked] = useState<{ ok: boolean; message?: string }>();
  return (
    <tr>
      <td>
        <code>{key.masked}</code>
        <div className="hint">{key.id}</div>
      </td>
      <td>
        <Badge tone="neutral">{SOURCES[key.source]}</Badge>
      </td>
      <td>
        <KeyStatus providerKey={key} />
      </td>
      <td>
        <Learned providerKey={key} />
      </td>
      <td className="num">{formatInt(key.uses)}</td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            className="secondary"
            disabled={validate.isPending}
            aria-label={`Validate ${key.masked}`}
            onClick={() => validate.mutate(key.id, { onSuccess: ({ ok, message }) => setChecked({ ok, message }) })}
          >
            {validate.isPending ? 'Checking…' : 'Validate'}
          </button>
          {key.source === 'vault' ? (
            <ConfirmButton
              label="Remove"
              question={`Remove ${key.masked}? Calls stop using it at once.`}
              confirm="Yes, remove"
              busy={remove.isPending}
              onConfirm={() => remove.mutate(key.id)}
            />
          ) : (
            <span className="hint">remove it from the {SOURCES[key.source]}</span>
          )}
        </div>
        {checked ? (
          <p role="status" className={`notice ${checked.ok ? 'notice-ok' : 'notice-error'}`}>
            {checked.ok ? 'Valid: the provider accepted it.' : `Refused: ${checked.message ?? 'the check failed'}`}
          </p>
        ) : null}
        <ErrorNotice error={validate.error ?? remove.error} />
      </td>
    </tr>
  );
}

function KeyStatus({ providerKey: key }: { providerKey: ProviderKey }) {
  if (key.status === 'active') return <Badge tone="ok">usable</Badge>;
  if (key.status === 'cooling')
    return (
      <>
        <Badge tone="warn">resting</Badge>
        {key.until === undefined ? null : (
          <div className="hint">
            usable again{' '}
            <time dateTime={new Date(key.until).toISOString()} title={formatTime(key.until)}>
              {formatRelative(key.until)}
            </time>
          </div>
        )}
        {key.reason ? <div className="hint">{key.reason}</div> : null}
      </>
    );
  return (
    <>
      <Badge tone="bad">disabled</Badge>
      {key.reason ? <div className="hint">{key.reason}</div> : null}
    </>
  );
}

/** The limits the provider said this key has, lower than the published ones; "none" when the published ones hold. */
function Learned({ providerKey: key }: { providerKey: ProviderKey }) {
  const learned = learnedEntries(key.learnedLimits);
  if (learned.length === 0) return <span className="hint">none: the published limits apply</span>;
  return (
    <ul className="plain-list">
      {learned.map(([name, limit]) => (
        <li key={name}>
          {LIMIT_NAMES[name]}: <strong>{formatCompact(limit.value)}</strong>
          <div className="hint">{learnedFrom(limit)}</div>
        </li>
      ))}
    </ul>
  );
}
