// One proposal of a community list: a new provider (its signup page, key variable, limits or trial credit, models) or
// other limits for a known one, where it came from, and Accept / Dismiss with the gateway's answer shown after.
import { stringify } from 'yaml';
import { Badge, ErrorNotice } from '../../components/common';
import { formatInt, formatRelative } from '../../format';
import { formatLimits } from '../../limits';
import { type Proposal, useDecideProposal } from './catalog-api';

/** A name for the proposal, for headings and the buttons' labels. */
function proposalTitle(proposal: Proposal): string {
  const { change } = proposal;
  return change.kind === 'new_provider'
    ? `New provider ${change.entry.name ?? change.entry.id}`
    : `Limits of ${change.provider}`;
}

function What({ proposal }: { proposal: Proposal }) {
  const { change } = proposal;
  if (change.kind === 'limits')
    return (
      <dl className="proposal-facts">
        <dt>Now</dt>
        <dd>{formatLimits(change.current) || 'no published limits'}</dd>
        <dt>The list says</dt>
        <dd>{formatLimits(change.proposed) || 'no limits'}</dd>
      </dl>
    );
  const { entry, models } = change;
  return (
    <dl className="proposal-facts">
      <dt>Sign up</dt>
      <dd>
        {entry.signupUrl ? (
          <a href={entry.signupUrl} target="_blank" rel="noreferrer">
            {entry.signupUrl}
          </a>
        ) : (
          'not given'
        )}
      </dd>
      <dt>Key variable</dt>
      <dd>{entry.keyEnv?.length ? entry.keyEnv.map((name) => <code key={name}>{name} </code>) : 'not given'}</dd>
      <dt>Free tier</dt>
      <dd>
        {[
          entry.limits ? formatLimits(entry.limits) : '',
          entry.trialCredit ? `trial credit: ${formatInt(entry.trialCredit.amount)} ${entry.trialCredit.currency}` : '',
        ]
          .filter((part) => part !== '')
          .join(' · ') || 'no limits given'}
      </dd>
      <dt>Models</dt>
      <dd>{models.length > 0 ? models.join(', ') : 'none named'}</dd>
    </dl>
  );
}

/** What to put in switchboard.yaml to keep an accepted proposal in the config file. */
function configEntry(proposal: Proposal): string {
  const { change } = proposal;
  const entry =
    change.kind === 'new_provider'
      ? {
          ...change.entry,
          protocol: 'openai',
          baseUrl: 'https://FILL-IN/v1',
          models: change.models.map((id) => ({ id })),
        }
      : { id: change.provider, limits: change.proposed };
  return stringify({ providers: [entry] });
}

const KNOWN = new Set(['id', 'status', 'source', 'section', 'change', 'createdAt', 'decidedAt']);

/** The gateway's answer to a decision: its status, and whatever else it says (shown as it comes). */
function Decided({ answer }: { answer: DecisionAnswer }) {
  const extra = Object.entries(answer).filter(([name]) => !KNOWN.has(name));
  return (
    <div role="status" className="notice notice-ok">
      {answer.status === 'accepted' ? 'Accepted.' : 'Dismissed: it will not be proposed again.'}
      {extra.map(([name, value]) =>
        typeof value === 'string' ? (
          <p key={name}>{value}</p>
        ) : (
          <pre key={name}>{`${name}: ${JSON.stringify(value, null, 2)}`}</pre>
        ),
      )}
      {answer.status === 'accepted' ? (
        <details>
          <summary>The entry for switchboard.yaml</summary>
          <pre>{configEntry(answer)}</pre>
        </details>
      ) : null}
    </div>
  );
}

/** The gateway's answer to an accept or dismiss, as it comes. */
export type DecisionAnswer = Proposal & Record<string, unknown>;

export function ProposalCard({
  proposal,
  answer,
  onDecided,
}: {
  proposal: Proposal;
  /** The answer to a decision made in this view: shown in place of the buttons. */
  answer: DecisionAnswer | undefined;
  onDecided(answer: DecisionAnswer): void;
}) {
  const decide = useDecideProposal(onDecided);
  const title = proposalTitle(proposal);
  return (
    <article className="proposal" aria-label={title} data-proposal={proposal.id}>
      <h3>
        {title} {proposal.status === 'pending' ? null : <Badge tone="neutral">{proposal.status}</Badge>}
        {proposal.change.kind === 'new_provider' && proposal.change.entry.trialCredit ? (
          <Badge tone="warn">trial credit</Badge>
        ) : null}
      </h3>
      <What proposal={proposal} />
      <p className="hint">
        From <code>{proposal.source}</code> ({proposal.section}), {formatRelative(proposal.createdAt)}.
      </p>
      {proposal.status === 'pending' && answer === undefined ? (
        <div className="inline-form">
          <button
            type="button"
            disabled={decide.isPending}
            aria-label={`Accept: ${title}`}
            onClick={() => decide.mutate({ id: proposal.id, verb: 'accept' })}
          >
            Accept
          </button>
          <button
            type="button"
            className="secondary"
            disabled={decide.isPending}
            aria-label={`Dismiss: ${title}`}
            onClick={() => decide.mutate({ id: proposal.id, verb: 'dismiss' })}
          >
            Dismiss
          </button>
        </div>
      ) : null}
      <ErrorNotice error={decide.error} />
      {answer ? <Decided answer={answer} /> : null}
    </article>
  );
}
