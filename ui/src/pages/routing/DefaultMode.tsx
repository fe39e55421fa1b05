// The default routing mode (for requests that name none): its value and source, changed at run time by the admin.
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/common';
import { type Mode, MODES, type SettingValue, usePatchRouting } from './api';
import { SourceBadge } from './SourceBadge';

export function DefaultMode({ value }: { value: SettingValue }) {
  const patch = usePatchRouting();
  const [mode, setMode] = useState(value.value as Mode);
  useEffect(() => setMode(value.value as Mode), [value.value]);
  return (
    <section className="card" aria-labelledby="default-mode">
      <h2 id="default-mode">Default mode</h2>
      <p className="hint">
        The mode of requests that say no <code>model_quality</code> and match no rule that sets one.
      </p>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          patch.mutate({ defaultMode: mode });
        }}
      >
        <label htmlFor="default-mode-select">Default routing mode</label>
        <select id="default-mode-select" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <button type="submit" disabled={patch.isPending || mode === value.value}>
          Save mode
        </button>
        <SourceBadge value={value} />
        {value.source === 'console' ? (
          <button
            type="button"
            className="secondary"
            disabled={patch.isPending}
            onClick={() => patch.mutate({ defaultMode: null })}
          >
            Reset mode to the file's ({String(value.base)})
          </button>
        ) : null}
      </form>
      <ErrorNotice error={patch.error} />
    </section>
  );
}
