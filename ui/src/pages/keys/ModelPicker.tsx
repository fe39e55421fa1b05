// Choosing the models a client key may use: every model, or some of them (whole providers as `provider/*`, or single
// `provider/model`s), from the gateway's model list, filterable.
import { useState } from 'react';

export function ModelPicker({
  models,
  selected,
  onChange,
}: {
  /** `provider/model` ids. */
  models: string[];
  /** undefined: every model. */
  selected: string[] | undefined;
  onChange(selected: string[] | undefined): void;
}) {
  const [filter, setFilter] = useState('');
  const chosen = new Set(selected ?? []);
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange([...next]);
  };
  const byProvider = new Map<string, string[]>();
  for (const id of models) {
    if (filter !== '' && !id.toLowerCase().includes(filter.toLowerCase())) continue;
    const provider = id.slice(0, id.indexOf('/'));
    byProvider.set(provider, [...(byProvider.get(provider) ?? []), id]);
  }
  return (
    <fieldset className="model-picker">
      <legend>Allowed models</legend>
      <label className="inline">
        <input type="radio" name="model-scope" checked={selected === undefined} onChange={() => onChange(undefined)} />
        Every model (and any added later)
      </label>
      <label className="inline">
        <input type="radio" name="model-scope" checked={selected !== undefined} onChange={() => onChange([])} />
        Only the models chosen below
      </label>
      {selected === undefined ? null : (
        <>
          <label htmlFor="model-filter">Filter models</label>
          <input id="model-filter" type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
          <p className="hint" aria-live="polite">
            {chosen.size} chosen{chosen.size === 0 ? ': choose at least one' : ''}.
          </p>
          <div className="model-list">
            {[...byProvider].map(([provider, ids]) => (
              <div key={provider} className="model-group">
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={chosen.has(`${provider}/*`)}
                    onChange={(event) => toggle(`${provider}/*`, event.target.checked)}
                  />
                  <strong>every {provider} model</strong> <code>{provider}/*</code>
                </label>
                {ids.map((id) => (
                  <label key={id} className="inline">
                    <input
                      type="checkbox"
                      checked={chosen.has(id) || chosen.has(`${provider}/*`)}
                      disabled={chosen.has(`${provider}/*`)}
                      onChange={(event) => toggle(id, event.target.checked)}
                    />
                    {id}
                  </label>
                ))}
              </div>
            ))}
            {byProvider.size === 0 ? <p className="hint">No model matches.</p> : null}
          </div>
        </>
      )}
    </fieldset>
  );
}
