// The Overview's providers table: on or off, the circuit, keys by state, and each provider's live upstream figures.
import { Badge } from '../../components/common';
import { formatMs, formatPercent, formatRelative } from '../../format';
import type { ProviderStatus } from './api';

function CircuitBadge({ circuit }: { circuit: ProviderStatus['circuit'] }) {
  if (circuit === null) return <Badge tone="neutral">–</Badge>;
  if (circuit.state === 'closed') return <Badge tone="ok">closed</Badge>;
  const until = circuit.until === null ? '' : ` (trial ${formatRelative(circuit.until)})`;
  return <Badge tone={circuit.state === 'open' ? 'bad' : 'warn'}>{`${circuit.state.replace('_', '-')}${until}`}</Badge>;
}

function OffProviders({ providers }: { providers: ProviderStatus[] }) {
  if (providers.length === 0) return null;
  return (
    <details className="providers-off">
      <summary>
        {providers.length} {providers.length === 1 ? 'provider' : 'providers'} off
      </summary>
      <ul>
        {providers.map((p) => (
          <li key={p.id}>
            {p.signupUrl === null ? p.name : <a href={p.signupUrl}>{p.name}</a>}
            {p.reason === null ? null : <span className="hint"> — {p.reason}</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The enabled providers as a table; the others folded below it with how to turn them on. */
export function ProvidersTable({ providers }: { providers: ProviderStatus[] }) {
  const enabled = providers.filter((p) => p.enabled);
  return (
    <section className="card" aria-label="Providers">
      <h2>Providers</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Provider</th>
              <th>State</th>
              <th>Circuit</th>
              <th className="num">Usable</th>
              <th className="num">Resting</th>
              <th className="num">Disabled</th>
              <th className="num">Calls / min</th>
              <th className="num">Errors</th>
              <th className="num">p50</th>
              <th className="num">p95</th>
            </tr>
          </thead>
          <tbody>
            {enabled.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name} <span className="hint">({p.id})</span>
                </td>
                <td>{p.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="neutral">off</Badge>}</td>
                <td>
                  <CircuitBadge circuit={p.circuit} />
                </td>
                <td className="num">{p.keyCounts.usable}</td>
                <td className="num">{p.keyCounts.resting}</td>
                <td className="num">{p.keyCounts.disabled}</td>
                <td className="num">{p.live.perMinute.toFixed(1)}</td>
                <td className="num">{formatPercent(p.live.errorRate)}</td>
                <td className="num">{formatMs(p.live.p50LatencyMs)}</td>
                <td className="num">{formatMs(p.live.p95LatencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <OffProviders providers={providers.filter((p) => !p.enabled)} />
    </section>
  );
}
