// The routing rules as YAML or JSON in a text box: the admin edits them and the gateway validates them with the
// config file's schema; a refusal shows the gateway's message and the field it names. A reset goes back to the file's.
import { useEffect, useState } from 'react';
import { parse, stringify } from 'yaml';
import { ApiError } from '../../api/client';
import { type SettingValue, usePatchRouting } from './api';
import { SourceBadge } from './SourceBadge';

type Format = 'yaml' | 'json';

function render(rules: unknown, format: Format): string {
  const list = Array.isArray(rules) ? rules : [];
  if (format === 'json') return JSON.stringify(list, null, 2);
  return list.length === 0 ? '[]\n' : stringify(list);
}

/** The text as a list of rules, or why it is not one. YAML's parser reads JSON too. */
function read(text: string, format: Format): { rules: unknown[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = format === 'json' ? JSON.parse(text) : parse(text);
  } catch (err) {
    return { error: `Not valid ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (parsed === null || parsed === undefined) return { rules: [] };
  return Array.isArray(parsed) ? { rules: parsed } : { error: 'The rules must be a list (one item per rule).' };
}

/** A refused save: the gateway's message, and the field it names when it names one. */
function RulesError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  const param = error instanceof ApiError ? error.param : undefined;
  return (
    <div role="alert" className="notice notice-error">
      <div>{message}</div>
      {param ? (
        <div>
          Field: <code>{param}</code>
        </div>
      ) : null}
    </div>
  );
}

export function RulesEditor({ value }: { value: SettingValue }) {
  const patch = usePatchRouting();
  const [format, setFormat] = useState<Format>('yaml');
  const [text, setText] = useState(() => render(value.value, 'yaml'));
  const [local, setLocal] = useState<string | undefined>();
  const running = JSON.stringify(value.value);
  // Show the running rules again when they change (a save, a reset, a reload of the file).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `running` stands for value.value
  useEffect(() => setText(render(value.value, format)), [running, format]);
  const count = Array.isArray(value.value) ? value.value.length : 0;

  const save = () => {
    const result = read(text, format);
    if ('error' in result) {
      patch.reset();
      setLocal(result.error);
      return;
    }
    setLocal(undefined);
    patch.mutate({ rules: result.rules });
  };

  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      <p className="hint">
        First match wins; each rule can prefer models, set a mode, fuse an ensemble or turn on the cache
        (docs/ROUTING.md). {count} {count === 1 ? 'rule' : 'rules'} running, <SourceBadge value={value} />
      </p>
      <div className="inline-form">
        <label htmlFor="rules-format">Format</label>
        <select id="rules-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          <option value="yaml">YAML</option>
          <option value="json">JSON</option>
        </select>
      </div>
      <label htmlFor="rules-text">Rules ({format.toUpperCase()})</label>
      <textarea
        id="rules-text"
        className="rules-text"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={Math.min(24, Math.max(6, text.split('\n').length + 1))}
      />
      <div className="page-actions">
        <button type="button" onClick={save} disabled={patch.isPending}>
          Save rules
        </button>
        {value.source === 'console' ? (
          <button
            type="button"
            className="secondary"
            disabled={patch.isPending}
            onClick={() => patch.mutate({ rules: null })}
          >
            Reset rules to the file's
          </button>
        ) : null}
        {patch.isSuccess ? (
          <span className="hint" aria-live="polite">
            Saved.
          </span>
        ) : null}
      </div>
      <RulesError error={local ?? patch.error} />
    </section>
  );
}
