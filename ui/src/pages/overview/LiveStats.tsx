// The top row of the Overview: the requests clients made over the window, as figures that refresh with the page.
import { formatMs, formatPercent } from '../../format';
import type { LiveMetrics } from './api';

export function LiveStats({ live, minutes }: { live: LiveMetrics; minutes: number }) {
  const stats: [label: string, value: string][] = [
    ['Requests / min', live.perMinute.toFixed(1)],
    ['Error rate', formatPercent(live.errorRate)],
    ['p50 latency', formatMs(live.p50LatencyMs)],
    ['p95 latency', formatMs(live.p95LatencyMs)],
    ['p50 time to first token', formatMs(live.p50TtftMs)],
  ];
  return (
    <section className="card" aria-label={`Last ${minutes} minutes`}>
      <h2>Last {minutes} minutes</h2>
      <dl className="grid overview-stats">
        {stats.map(([label, value]) => (
          <div className="stat" key={label}>
            <dt className="label">{label}</dt>
            <dd className="value">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
