// Creating a client key: a name, the models it may use, its requests per minute and tokens per day; the key the
// gateway answers with is shown this once, with a copy button, until the operator says they have it.
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../components/common';
import { useCreateClientKey, useModelIds } from './api';
import { ModelPicker } from './ModelPicker';

/** A positive whole number from an input, undefined when empty. */
function limit(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

export function CreateClientKeyForm() {
  const models = useModelIds();
  const create = useCreateClientKey();
  const [name, setName] = useState('');
  const [allowed, setAllowed] = useState<string[] | undefined>();
  const [rpm, setRpm] = useState('');
  const [dailyTokens, setDailyTokens] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      name: name.trim(),
      ...(allowed === undefined ? {} : { models: allowed }),
      ...(limit(rpm) === undefined ? {} : { rpm: limit(rpm) }),
      ...(limit(dailyTokens) === undefined ? {} : { dailyTokens: limit(dailyTokens) }),
    };
    create.mutate(body, {
      onSuccess: (answer) => {
        setCreated({ name: answer.name, key: answer.key });
        create.reset();
        setName('');
        setAllowed(undefined);
        setRpm('');
        setDailyTokens('');
      },
    });
  };
  if (created) return <NewKeyNotice created={created} onDone={() => setCreated(undefined)} />;
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="create-client-key">
      <h3 id="create-client-key">Create a client key</h3>
      <label htmlFor="client-name">Name</label>
      <input
        id="client-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        maxLength={100}
        placeholder="laptop, ci, the team's bot…"
        required
      />
      <ModelPicker models={models.data ?? []} selected={allowed} onChange={setAllowed} />
      <ErrorNotice error={models.error} />
      <div className="limits">
        <div>
          <label htmlFor="client-rpm">Requests per minute</label>
          <input
            id="client-rpm"
            type="number"
            min={1}
            step={1}
            value={rpm}
            onChange={(event) => setRpm(event.target.value)}
            placeholder="no limit"
          />
        </div>
        <div>
          <label htmlFor="client-daily">Tokens per day</label>
          <input
            id="client-daily"
            type="number"
            min={1}
            step={1}
            value={dailyTokens}
            onChange={(event) => setDailyTokens(event.target.value)}
            placeholder="no limit"
          />
        </div>
      </div>
      <p className="hint">Empty means no limit. Tokens per day count prompt and answer over a rolling 24 hours.</p>
      <ErrorNotice error={create.error} />
      <div>
        <button
          type="submit"
          disabled={create.isPending || name.trim() === '' || (allowed !== undefined && allowed.length === 0)}
        >
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

/** The new key, once: selectable, copyable, and gone from the page when dismissed. */
function NewKeyNotice({ created, onDone }: { created: { name: string; key: string }; onDone(): void }) {
  const [copied, setCopied] = useState<boolean>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card new-key" aria-labelledby="new-key">
      <h3 id="new-key">Client key “{created.name}” created</h3>
      <p className="notice notice-warn">
        Copy it now: <strong>you will not see it again.</strong> Only its hash is stored; a lost key is revoked and
        replaced.
      </p>
      <label htmlFor="new-key-value">The new key</label>
      <div className="copy-row">
        <input id="new-key-value" readOnly value={created.key} onFocus={(event) => event.target.select()} />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p role="status" className="hint">
        {copied === true ? 'Copied to the clipboard.' : ''}
        {copied === false ? 'The browser would not copy it: select the key and copy it by hand.' : ''}
      </p>
      <p className="hint">
        Clients send it as <code>Authorization: Bearer …</code>, like an OpenAI key, with the base URL{' '}
        <code>{window.location.origin}/v1</code>.
      </p>
      <button type="button" className="secondary" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
