// An agent thread, live: agent ⇄ tools as its graph, and when the agent waits for a human, its question with an
// answer box, or the write it wants to make (path and content) with approve and decline.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorNotice, PageHeader } from '../../components/common';
import { RunGraph } from './RunGraph';
import { RunFailures, RunSummary } from './RunPanels';
import { foldRunEvents, type PendingInterrupt } from './run-state';
import { useRunEvents } from './use-run-events';

interface Thread {
  status: string;
  human_input_request: { tool_call_id: string; question_for_human: string; kind: 'question' | 'approval' } | null;
  files_written: string[];
  model_used: string | null;
}

export default function ThreadPage() {
  const threadId = useParams()['threadId'] ?? '';
  const { events, connected, error } = useRunEvents({ thread_id: threadId });
  const view = useMemo(() => foldRunEvents(events), [events]);
  const thread = useQuery({
    queryKey: ['thread', threadId, view.status, events.length > 0],
    queryFn: () => api<Thread>(`/v1/agents/threads/${encodeURIComponent(threadId)}`),
  });
  const waiting = thread.data?.human_input_request ?? null;
  // The question as the event told it (with the write's arguments), else as the thread's state has it.
  const pending: PendingInterrupt | undefined =
    view.interrupt ??
    (waiting
      ? { toolCallId: waiting.tool_call_id, question: waiting.question_for_human, kind: waiting.kind }
      : undefined);
  return (
    <>
      <PageHeader title={`Agent thread ${threadId}`} />
      <RunSummary view={view} connected={connected} />
      <ErrorNotice error={error ?? thread.error} />
      {pending && (view.status === 'paused' || waiting) ? <HumanTurn threadId={threadId} pending={pending} /> : null}
      <RunGraph view={view} agent />
      <RunFailures view={view} />
      {thread.data && thread.data.files_written.length > 0 ? (
        <section className="card" aria-label="Files written">
          <h2>Files written</h2>
          <ul>
            {thread.data.files_written.map((file) => (
              <li key={file}>
                <code>{file}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function HumanTurn({ threadId, pending }: { threadId: string; pending: PendingInterrupt }) {
  const queryClient = useQueryClient();
  const [answer, setAnswer] = useState('');
  const resume = useMutation({
    mutationFn: (human_response: string) =>
      api('/v1/agents/resume', {
        body: { thread_id: threadId, tool_call_id: pending.toolCallId, human_response },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['thread', threadId] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (answer.trim() !== '') resume.mutate(answer.trim());
  };
  const path = pending.args?.['path'];
  const content = pending.args?.['content'];
  return (
    <section className="card human-turn" aria-label="The agent asks">
      <h2>{pending.kind === 'approval' ? 'The agent wants to write a file' : 'The agent asks'}</h2>
      <p className="question">{pending.question}</p>
      {pending.kind === 'approval' ? (
        <>
          {typeof path === 'string' ? (
            <p>
              File: <code>{path}</code>
            </p>
          ) : null}
          {typeof content === 'string' ? <pre className="file-content">{content}</pre> : null}
          <div className="page-actions">
            <button
              type="button"
              disabled={resume.isPending || resume.isSuccess}
              onClick={() => resume.mutate('approve')}
            >
              Approve
            </button>
            <button
              type="button"
              className="danger"
              disabled={resume.isPending || resume.isSuccess}
              onClick={() => resume.mutate('decline')}
            >
              Decline
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="form">
          <label htmlFor="human-answer">Your answer</label>
          <textarea id="human-answer" value={answer} onChange={(e) => setAnswer(e.target.value)} />
          <button type="submit" disabled={resume.isPending || resume.isSuccess || answer.trim() === ''}>
            {resume.isPending ? 'Sending…' : 'Answer'}
          </button>
        </form>
      )}
      {resume.isSuccess ? <p className="notice notice-ok">Sent: the agent goes on.</p> : null}
      <ErrorNotice error={resume.error} />
    </section>
  );
}
