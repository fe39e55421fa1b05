// One run, live: its graph lighting up as events arrive over /v1/ws, the tokens beside it, fallbacks and judge
// rejections as the edges taken; a finished run can be replayed.
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { PageHeader } from '../../components/common';
import { RunGraph } from './RunGraph';
import { RunFailures, RunSummary, RunText } from './RunPanels';
import { foldRunEvents } from './run-state';
import { useReplay } from './use-replay';
import { useRunEvents } from './use-run-events';

export default function RunPage() {
  const runId = useParams()['runId'] ?? '';
  const { events, connected, error } = useRunEvents({ run_id: runId });
  const [replaying, setReplaying] = useState(false);
  const shown = useReplay(events, replaying, () => setReplaying(false));
  const view = useMemo(() => foldRunEvents(shown), [shown]);
  const agent = events.some((e) => e.type === 'run_started' && e.data['kind'] === 'agent');
  const done = view.status === 'finished' || view.status === 'failed';
  return (
    <>
      <PageHeader title={`Run ${runId}`}>
        <button type="button" className="secondary" disabled={!done || replaying} onClick={() => setReplaying(true)}>
          Replay
        </button>
      </PageHeader>
      <RunSummary view={view} connected={connected} />
      {error ? <div className="notice notice-error">{error}</div> : null}
      {events.length === 0 ? (
        <p className="hint">
          Waiting for this run's events. Runs are recorded when the client chooses their id (the{' '}
          <code>x-switchboard-run-id</code> header, as the playground does), for agent threads, and for every run with{' '}
          <code>events.recordAll</code>.
        </p>
      ) : null}
      <RunGraph view={view} agent={agent} />
      <RunText view={view} />
      <RunFailures view={view} />
    </>
  );
}
