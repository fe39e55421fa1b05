// The Models page's "Proposals from community lists" (admin): what the lists in `discovery.sources` say that the
// catalog does not, pending first with Accept / Dismiss; nothing from a list is enabled without an operator's yes.
import { useState } from 'react';
import { EmptyState, ErrorNotice, Loading } from '../../components/common';
import { useProposals, useRefreshProposals } from './catalog-api';
import { type DecisionAnswer, ProposalCard } from './ProposalCard';

export function ProposalList() {
  const proposals = useProposals();
  const refresh = useRefreshProposals();
  // Decisions made here stay in view with the gateway's answer, though the list now files them as decided.
  const [decided, setDecided] = useState<ReadonlyMap<string, DecisionAnswer>>(new Map());
  const all = proposals.data ?? [];
  const open = all.filter((p) => p.status === 'pending' || decided.has(p.id));
  const earlier = all.filter((p) => p.status !== 'pending' && !decided.has(p.id));
  const card = (p: (typeof all)[number]) => (
    <ProposalCard
      key={p.id}
      proposal={p}
      answer={decided.get(p.id)}
      onDecided={(answer) => setDecided((current) => new Map(current).set(p.id, answer))}
    />
  );
  const pending = all.filter((p) => p.status === 'pending').length;
  return (
    <section className="card" aria-labelledby="catalog-proposals" id="proposals">
      <div className="provider-head">
        <h2 id="catalog-proposals">Proposals from community lists</h2>
        <button type="button" className="secondary" onClick={() => refresh.mutate()} disabled={refresh.isPending}>
          {refresh.isPending ? 'Reading the lists…' : 'Read the lists again'}
        </button>
      </div>
      <p className="hint">
        What the community's lists of free LLM APIs (<code>discovery.sources</code>) say that the catalog does not: new
        providers and other limits. Nothing from a list is used until you accept it. {pending} pending.
      </p>
      <ErrorNotice error={refresh.error} />
      {refresh.data ? (
        <div role="status" className={refresh.data.failed.length > 0 ? 'notice notice-warn' : 'notice notice-ok'}>
          Read: {refresh.data.made} new {refresh.data.made === 1 ? 'proposal' : 'proposals'}.
          {refresh.data.failed.map((f) => (
            <div key={f.source}>
              Could not read <code>{f.source}</code>: {f.error}
            </div>
          ))}
        </div>
      ) : null}
      <ErrorNotice error={proposals.error} />
      {proposals.isPending ? <Loading what="the proposals" /> : null}
      {proposals.data && open.length === 0 ? (
        <EmptyState title="No proposals waiting">
          <p>
            {all.length === 0 ? 'No community list has proposed anything. ' : 'Every proposal has been decided. '}
            To read one, name it in <code>switchboard.yaml</code> (it is read at start and when you press “Read the
            lists again”):
          </p>
          <pre>
            {
              'discovery:\n  sources:\n    - https://raw.githubusercontent.com/cheahjs/free-llm-api-resources/main/README.md'
            }
          </pre>
        </EmptyState>
      ) : null}
      {open.map(card)}
      {earlier.length > 0 ? (
        <details>
          <summary>{earlier.length} decided earlier</summary>
          {earlier.map(card)}
        </details>
      ) : null}
    </section>
  );
}
