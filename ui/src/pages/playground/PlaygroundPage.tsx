// The playground: chat with the gateway as a client would, streamed, with `auto` and a mode or a named model, and
// after each answer the provider that gave it, the attempts, the latency and a link to the run.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ErrorNotice, PageHeader } from '../../components/common';
import { formatMs } from '../../format';
import { type AnswerInfo, type ChatTurn, type Mode, streamChat } from './stream-chat';

interface ModelList {
  data: { id: string; owned_by: string }[];
}

interface Exchange extends ChatTurn {
  info?: AnswerInfo;
}

const MODES: { value: Mode; label: string }[] = [
  { value: 'fastest', label: 'Fastest' },
  { value: 'balanced', label: 'Balanced' },
  { value: 'best_quality', label: 'Best quality' },
];

export default function PlaygroundPage() {
  const models = useQuery({ queryKey: ['models'], queryFn: () => api<ModelList>('/v1/models') });
  const [model, setModel] = useState('auto');
  const [mode, setMode] = useState<Mode>('balanced');
  const [turns, setTurns] = useState<Exchange[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (text === '' || streaming) return;
    const history: ChatTurn[] = [
      ...turns.map(({ role, content }) => ({ role, content })),
      { role: 'user', content: text },
    ];
    setTurns([...history, { role: 'assistant', content: '' }]);
    setDraft('');
    setError(null);
    setStreaming(true);
    const controller = new AbortController();
    abort.current = controller;
    const append = (piece: string) =>
      setTurns((all) =>
        all.map((turn, i) => (i === all.length - 1 ? { ...turn, content: turn.content + piece } : turn)),
      );
    try {
      const info = await streamChat({ model, mode, messages: history, signal: controller.signal, onText: append });
      setTurns((all) => all.map((turn, i) => (i === all.length - 1 ? { ...turn, info } : turn)));
    } catch (err) {
      setError(err);
      // Nothing arrived: drop the empty answer so the question can be asked again.
      setTurns((all) => (all.at(-1)?.content === '' ? all.slice(0, -1) : all));
    } finally {
      setStreaming(false);
      abort.current = null;
    }
  };

  return (
    <>
      <PageHeader title="Playground">
        <button type="button" className="secondary" onClick={() => setTurns([])} disabled={streaming}>
          New chat
        </button>
      </PageHeader>
      <div className="filters">
        <div>
          <label htmlFor="pg-model">Model</label>
          <select id="pg-model" value={model} onChange={(e) => setModel(e.target.value)}>
            {(models.data?.data ?? [{ id: 'auto', owned_by: 'switchboard' }]).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id === 'auto' ? 'auto (the router chooses)' : m.id}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="pg-mode">Mode</label>
          <select
            id="pg-mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as Mode)}
            disabled={model !== 'auto'}
          >
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={models.error} />
      <section className="chat" aria-label="Conversation" aria-live="polite">
        {turns.length === 0 ? (
          <p className="hint">
            Ask anything. With <code>auto</code> the router picks a model for the mode you choose; name a model to call
            it directly. Each answer shows who gave it and links to its run.
          </p>
        ) : (
          turns.map((turn, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: turns are only ever appended, so the index is stable
            <article key={i} className={`turn turn-${turn.role}`}>
              <h2 className="turn-role">{turn.role === 'user' ? 'You' : 'Answer'}</h2>
              <div className="turn-text">{turn.content || (streaming && i === turns.length - 1 ? '…' : '')}</div>
              {turn.info ? <AnswerLine info={turn.info} /> : null}
            </article>
          ))
        )}
      </section>
      <ErrorNotice error={error} />
      <form className="chat-input" onSubmit={send}>
        <label htmlFor="pg-message">Message</label>
        <textarea
          id="pg-message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
          placeholder="Enter to send, Shift+Enter for a new line"
        />
        <div className="page-actions">
          <button type="submit" disabled={streaming || draft.trim() === ''}>
            Send
          </button>
          <button type="button" className="secondary" onClick={() => abort.current?.abort()} disabled={!streaming}>
            Stop
          </button>
        </div>
      </form>
    </>
  );
}

function AnswerLine({ info }: { info: AnswerInfo }) {
  const switched = info.finishedBy !== null && info.model !== null && info.finishedBy !== info.model;
  return (
    <p className="answer-line" data-testid="answer-line">
      <span>{info.provider ?? 'cache'}</span> ·{' '}
      <span>{switched ? `${info.model} → ${info.finishedBy}` : info.model}</span> · {info.attempts ?? 1} attempt
      {info.attempts === 1 ? '' : 's'} · first token {formatMs(info.firstTokenMs)} · total {formatMs(info.totalMs)}
      {info.runId ? (
        <>
          {' '}
          · <Link to={`/runs/${encodeURIComponent(info.runId)}`}>open the run</Link>
        </>
      ) : null}
    </p>
  );
}
