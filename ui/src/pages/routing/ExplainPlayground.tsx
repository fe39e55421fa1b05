// The explain playground: a prompt and a mode in, the router's classification and ranked candidates out, with no
// model called. Open to every caller (a client key sees the plan among its own models).
import { useState } from 'react';
import { ErrorNotice } from '../../components/common';
import { type Mode, MODES, useExplain } from './api';
import { ExplainTable } from './ExplainTable';

export function ExplainPlayground() {
  const explain = useExplain();
  const [prompt, setPrompt] = useState('');
  const [mode, setMode] = useState<Mode | ''>('');
  return (
    <section className="card" aria-labelledby="explain-title">
      <h2 id="explain-title">Explain a prompt</h2>
      <p className="hint">See how the gateway would route a request, and why. No model is called.</p>
      <form
        className="form explain-form"
        onSubmit={(event) => {
          event.preventDefault();
          explain.mutate({ prompt, mode: mode === '' ? undefined : mode });
        }}
      >
        <label htmlFor="explain-prompt">Prompt</label>
        <textarea
          id="explain-prompt"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          placeholder="Write a Python function that parses ISO dates"
        />
        <label htmlFor="explain-mode">Mode for this prompt</label>
        <select id="explain-mode" value={mode} onChange={(e) => setMode(e.target.value as Mode | '')}>
          <option value="">the default mode</option>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <div>
          <button type="submit" disabled={prompt.trim() === '' || explain.isPending}>
            Explain
          </button>
        </div>
      </form>
      <ErrorNotice error={explain.error} />
      {explain.data ? <ExplainTable explanation={explain.data} /> : null}
    </section>
  );
}
