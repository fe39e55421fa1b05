// One free tier as four meters (requests and tokens, today and this minute): what is left, of what, and when it resets.
import { formatCompact, formatRelative } from '../../format';
import type { FreeTier, Headroom } from './api';

const ROWS: [window: 'day' | 'minute', dimension: 'requests' | 'tokens', label: string][] = [
  ['day', 'requests', 'Requests today'],
  ['day', 'tokens', 'Tokens today'],
  ['minute', 'requests', 'Requests this minute'],
  ['minute', 'tokens', 'Tokens this minute'],
];

/** "12 of 20 left" (or "12 left" when no limit is known). */
function leftText(h: Headroom): string {
  return h.limit === null
    ? `${formatCompact(h.remaining)} left`
    : `${formatCompact(h.remaining)} of ${formatCompact(h.limit)} left`;
}

function HeadroomRow({ label, headroom, owner }: { label: string; headroom: Headroom | null; owner: string }) {
  if (headroom === null)
    return (
      <tr>
        <th scope="row">{label}</th>
        <td colSpan={3} className="hint">
          no published limit
        </td>
      </tr>
    );
  const { limit, remaining, resetsAt } = headroom;
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        {limit === null ? null : (
          // Low, high and optimum colour the bar: little left is the bad end.
          <meter
            aria-label={`${label}, ${owner}`}
            min={0}
            max={limit}
            value={remaining}
            low={limit * 0.1}
            high={limit * 0.5}
            optimum={limit}
          />
        )}
      </td>
      <td className="num">{leftText(headroom)}</td>
      <td>
        {resetsAt !== null ? (
          `resets ${formatRelative(resetsAt)}`
        ) : (
          // No reset time: nothing is counted in the window yet, or the provider's headers gave none.
          <span className="hint">{headroom.used === 0 ? 'nothing counted' : 'reset time not given'}</span>
        )}
      </td>
    </tr>
  );
}

export function HeadroomTable({ tier, owner }: { tier: FreeTier; owner: string }) {
  return (
    <table className="headroom">
      <caption className="visually-hidden">Free tier left, {owner}</caption>
      <tbody>
        {ROWS.map(([window, dimension, label]) => (
          <HeadroomRow key={label} label={label} headroom={tier[window][dimension]} owner={owner} />
        ))}
      </tbody>
    </table>
  );
}
