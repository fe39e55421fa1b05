// Recent runs from the request log, newest first, each opening its live view; and a box to open any run or agent
// thread by its id.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { formatMs, formatTime } from '../../format';

interface RequestRow {
  id: string;
  ts: number;
  run_id: string | null;
  route: string;
  model_used: string | null;
  status: string;
  latency_ms: number;
}

export default function RunsPage() {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [kind, setKind] = useState<'run' | 'thread'>('run');
  const recent = useQuery({
    queryKey: ['requests', 'runs'],
    queryFn: () => api<{ data: RequestRow[] }>('/v1/requests?limit=50'),
    refetchInterval: 5_000,
  });
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (id.trim() !== '') navigate(`/${kind === 'run' ? 'runs' : 'threads'}/${encodeURIComponent(id.trim())}`);
  };
  const rows = recent.data?.data.filter((row) => row.run_id !== null) ?? [];
  return (
    <>
      <PageHeader title="Runs" />
      <form className="filters" onSubmit={open}>
        <div>
          <label htmlFor="open-kind">Open</label>
          <select id="open-kind" value={kind} onChange={(e) => setKind(e.target.value as 'run' | 'thread')}>
            <option value="run">a run</option>
            <option value="thread">an agent thread</option>
          </select>
        </div>
        <div>
          <label htmlFor="open-id">Id</label>
          <input id="open-id" value={id} onChange={(e) => setId(e.target.value)} placeholder="run_… or thread id" />
        </div>
        <button type="submit">Open</button>
      </form>
      <ErrorNotice error={recent.error} />
      {recent.isPending ? (
        <Loading what="recent runs" />
      ) : rows.length === 0 ? (
        <EmptyState title="No runs yet">
          <p>
            Send a request (try the <Link to="/playground">playground</Link>) and it shows here; open it to watch its
            graph.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="hint">
              The newest 50 requests; a run opens its graph. Only recorded runs can be drawn: the playground's, agent
              threads, runs whose id the client chose (<code>x-switchboard-run-id</code>), or every run with{' '}
              <code>events.recordAll</code>.
            </caption>
            <thead>
              <tr>
                <th>When</th>
                <th>Run</th>
                <th>Route</th>
                <th>Model</th>
                <th>Status</th>
                <th className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{formatTime(row.ts)}</td>
                  <td>
                    <Link to={`/runs/${encodeURIComponent(row.run_id!)}`}>{row.run_id}</Link>
                  </td>
                  <td>{row.route}</td>
                  <td>{row.model_used ?? '–'}</td>
                  <td>{row.status}</td>
                  <td className="num">{formatMs(row.latency_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
