// The parts of a run's page beside its graph: how it stands, the streamed text, and the attempts that failed.
import { Badge } from '../../components/common';
import type { RunView } from './run-state';

const TONE = { waiting: 'neutral', running: 'warn', finished: 'ok', failed: 'bad', paused: 'warn' } as const;

export function RunSummary({ view, connected }: { view: RunView; connected: boolean }) {
  return (
    <p className="run-summary">
      <Badge tone={TONE[view.status]}>{view.status}</Badge> {view.model ? <>answered by {view.model}</> : null}
      {view.attempts !== undefined ? <> · {view.attempts} attempts</> : null}
      {connected ? null : <> · reconnecting…</>}
      {view.error ? <span className="run-error"> · {view.error}</span> : null}
    </p>
  );
}

export function RunText({ view }: { view: RunView }) {
  return (
    <section className="card" aria-label="Streamed answer">
      <h2>Tokens</h2>
      {view.text === '' ? (
        <p className="hint">No text streamed yet (an unstreamed request's answer is not sent as tokens).</p>
      ) : (
        <div className="run-text" data-testid="run-text">
          {view.text}
        </div>
      )}
    </section>
  );
}

export function RunFailures({ view }: { view: RunView }) {
  if (view.failures.length === 0) return null;
  return (
    <section className="card" aria-label="Failed attempts">
      <h2>Fallbacks and rejections</h2>
      <ol>
        {view.failures.map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: failures are appended in order and never reordered
          <li key={i}>
            <strong>{f.model ?? f.node}</strong>: {f.reason}
          </li>
        ))}
      </ol>
    </section>
  );
}
