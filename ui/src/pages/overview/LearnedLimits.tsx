// A provider's limits in the free-tier cockpit: the published ones per key, and beside them the lower ones learned
// from what the provider said (its rate-limit headers, a quota error), with the source, when, and which keys.
import { formatCompact } from '../../format';
import {
  formatLimits,
  type LearnableLimit,
  LIMIT_NAMES,
  type LearnedLimit,
  learnedEntries,
  learnedFrom,
} from '../../limits';
import type { ProviderStatus } from './api';

interface Row {
  name: LearnableLimit;
  limit: LearnedLimit;
  /** The keys (masked) that learned it; empty for a keyless provider. */
  keys: string[];
}

/** Learned limits of the provider or its keys; keys that learned the same value from the same source share a row. */
function learnedRows(provider: ProviderStatus): Row[] {
  const rows: Row[] = learnedEntries(provider.learned).map(([name, limit]) => ({ name, limit, keys: [] }));
  for (const key of provider.keys)
    for (const [name, limit] of learnedEntries(key.freeTier.learned)) {
      const same = rows.find(
        (r) => r.name === name && r.limit.value === limit.value && r.limit.source === limit.source,
      );
      if (same === undefined) rows.push({ name, limit, keys: [key.masked] });
      else {
        same.keys.push(key.masked);
        if (limit.at > same.limit.at) same.limit = limit;
      }
    }
  const order = Object.keys(LIMIT_NAMES);
  return rows.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

export function LearnedLimits({ provider }: { provider: ProviderStatus }) {
  const published = provider.limits ?? {};
  const rows = learnedRows(provider);
  const publishedText = formatLimits(published);
  return (
    <>
      <p className="hint">
        {publishedText === '' ? 'No published limits' : `Published per key: ${publishedText}`}
        {rows.length > 0 ? '; the provider says some are lower (counted against those):' : '.'}
      </p>
      {rows.length > 0 ? (
        <table className="learned-limits" aria-label={`Learned limits, ${provider.name}`}>
          <thead>
            <tr>
              <th scope="col">Limit</th>
              <th scope="col" className="num">
                Published
              </th>
              <th scope="col" className="num">
                Learned
              </th>
              <th scope="col">Source</th>
              {provider.keys.length > 0 ? <th scope="col">Keys</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ name, limit, keys }) => (
              <tr key={`${name} ${limit.value} ${limit.source}`}>
                <th scope="row">{LIMIT_NAMES[name]}</th>
                <td className="num">{published[name] === undefined ? 'none' : formatCompact(published[name])}</td>
                <td className="num">
                  <strong>{formatCompact(limit.value)}</strong>
                </td>
                <td>{learnedFrom(limit)}</td>
                {provider.keys.length > 0 ? (
                  <td>
                    {keys.length === provider.keys.length && keys.length > 1 ? 'every key: ' : null}
                    {keys.map((k) => (
                      <code key={k}>{k} </code>
                    ))}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
