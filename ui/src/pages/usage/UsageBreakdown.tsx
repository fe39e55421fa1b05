// The usage of the range per group as a table: requests, errors, tokens, cost, saved (or "no list price") and latency.
import { formatInt, formatMs, formatUsd } from '../../format';
import type { GroupBy } from './range';
import type { UsageGroup } from './series';

export function UsageBreakdown({ groups, groupBy }: { groups: UsageGroup[]; groupBy: GroupBy }) {
  return (
    <section className="card" aria-labelledby="usage-breakdown">
      <h2 id="usage-breakdown">By {groupBy}</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{groupBy[0]!.toUpperCase() + groupBy.slice(1)}</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col" className="num">
                Tokens in / out
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col" className="num">
                Saved
              </th>
              <th scope="col" className="num">
                Avg latency
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key}>
                <th scope="row">{group.key}</th>
                <td className="num">{formatInt(group.requests)}</td>
                <td className="num">{formatInt(group.errors)}</td>
                <td className="num">
                  {formatInt(group.prompt_tokens)} / {formatInt(group.completion_tokens)}
                </td>
                <td className="num">{formatUsd(group.cost_usd)}</td>
                <td className="num">{savedText(group)}</td>
                <td className="num">{formatMs(group.avg_latency_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What a group saved; "no list price" when none of its calls' models has one. */
function savedText(group: UsageGroup): string {
  if (group.unpriced_requests === group.requests) return 'no list price';
  const saved = formatUsd(group.saved_usd);
  return group.unpriced_requests > 0 ? `${saved} (${formatInt(group.unpriced_requests)} calls unpriced)` : saved;
}
