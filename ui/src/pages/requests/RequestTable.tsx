// The request log as a table, newest first: when, outcome, model (and what was asked), client, tokens, cost, latency
// and the upstream attempts; a row opens its run (the time is the row's link, for the keyboard).
import { Link, useNavigate } from 'react-router';
import { isAdmin, useSession } from '../../api/session';
import { Badge } from '../../components/common';
import { formatInt, formatMs, formatRelative, formatTime, formatUsd } from '../../format';
import { useClientName } from '../usage/client-names';
import type { RequestRow } from './request-query';

/** `now`: when the rows were read, which "5 s ago" counts from. */
export function RequestTable({ rows, now }: { rows: RequestRow[]; now: number }) {
  const navigate = useNavigate();
  const { me } = useSession();
  const admin = isAdmin(me);
  const clientName = useClientName();
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">Requests, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col">Model</th>
            {admin ? <th scope="col">Client</th> : null}
            <th scope="col" className="num">
              Tokens in / out
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              className={row.run_id === null ? undefined : 'clickable'}
              // The whole row opens the run for the mouse; the link in its first cell is the way for the keyboard.
              onClick={(e) => {
                if (row.run_id !== null && !(e.target as HTMLElement).closest('a'))
                  navigate(`/runs/${encodeURIComponent(row.run_id)}`);
              }}
            >
              <td>
                {row.run_id === null ? (
                  formatTime(row.ts)
                ) : (
                  <Link to={`/runs/${encodeURIComponent(row.run_id)}`}>
                    {formatTime(row.ts)}
                    <span className="visually-hidden">, open run {row.run_id}</span>
                  </Link>
                )}
                <div className="hint">{formatRelative(row.ts, now)}</div>
              </td>
              <td className="request-status">
                <StatusBadge row={row} />
              </td>
              <td>
                {row.model_used ?? <span className="hint">none</span>}
                {row.model_asked !== null && row.model_asked !== row.model_used ? (
                  <div className="hint">asked {row.model_asked}</div>
                ) : null}
              </td>
              {admin ? <td>{clientName(row.client)}</td> : null}
              <td className="num">
                {formatInt(row.prompt_tokens)} / {formatInt(row.completion_tokens)}
              </td>
              <td className="num">{row.cache_hit ? 'cached' : formatUsd(row.cost_usd)}</td>
              <td className="num">
                {formatMs(row.latency_ms)}
                {row.ttft_ms !== null ? <div className="hint">first token {formatMs(row.ttft_ms)}</div> : null}
              </td>
              <td>
                <Attempts row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StatusBadge({ row }: { row: RequestRow }) {
  const tone = row.status === 'ok' ? 'ok' : row.status === 'aborted' ? 'warn' : 'bad';
  return (
    <>
      <Badge tone={tone}>
        {row.status} {row.http_status}
      </Badge>
      {row.error !== null ? <div className="hint">{row.error}</div> : null}
    </>
  );
}

/** How many upstream calls it took, and which failed (a fallback shows as a failed attempt before the one that answered). */
function Attempts({ row }: { row: RequestRow }) {
  if (row.attempts.length === 0) return <span className="hint">{row.cache_hit ? 'from the cache' : 'none'}</span>;
  const failed = row.attempts.filter((a) => a.error !== null);
  return (
    <>
      {row.attempts.length}
      {row.stream ? ' (stream)' : ''}
      {failed.map((a) => (
        <div key={`${a.model}-${a.ms}`} className="hint">
          {a.model}: {a.error}
        </div>
      ))}
    </>
  );
}
