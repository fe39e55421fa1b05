// The free-tier cockpit: the providers nearly spent first, then what each enabled provider (and each of its keys) has
// left today and this minute.
import { Badge } from '../../components/common';
import { formatPercent, formatRelative } from '../../format';
import type { KeyStatusEntry, ProviderStatus } from './api';
import { HeadroomTable } from './HeadroomTable';
import { LearnedLimits } from './LearnedLimits';

function NearlySpent({ providers, below }: { providers: ProviderStatus[]; below: number }) {
  if (providers.length === 0) return null;
  return (
    <section className="notice notice-warn nearly-spent" aria-label="Nearly spent">
      <strong>Nearly spent</strong> (less than {formatPercent(below)} of a daily limit left):
      <ul>
        {providers.map((p) => (
          <li key={p.id}>
            <a href={`#free-tier-${p.id}`}>{p.name}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function keyState(key: KeyStatusEntry) {
  if (key.status === 'active') return <Badge tone="ok">usable</Badge>;
  if (key.status === 'disabled') return <Badge tone="bad">disabled</Badge>;
  return <Badge tone="warn">{key.until === null ? 'resting' : `resting, back ${formatRelative(key.until)}`}</Badge>;
}

function ProviderTier({ provider }: { provider: ProviderStatus }) {
  if (provider.freeTier === null) return null;
  return (
    <section
      id={`free-tier-${provider.id}`}
      className={provider.freeTier.nearlySpent ? 'free-tier free-tier-spent' : 'free-tier'}
      aria-label={`Free tier of ${provider.name}`}
    >
      <h3>
        {provider.name} {provider.freeTier.nearlySpent ? <Badge tone="bad">nearly spent</Badge> : null}
      </h3>
      <HeadroomTable tier={provider.freeTier} owner={provider.name} />
      <LearnedLimits provider={provider} />
      {provider.keys.length > 1 ? (
        <details>
          <summary>Per key ({provider.keys.length})</summary>
          {provider.keys.map((key) => (
            <div key={key.id} className="free-tier-key">
              <h4>
                <code>{key.masked}</code> {keyState(key)}{' '}
                {key.freeTier.nearlySpent ? <Badge tone="bad">nearly spent</Badge> : null}
              </h4>
              <HeadroomTable tier={key.freeTier} owner={key.masked} />
            </div>
          ))}
        </details>
      ) : null}
    </section>
  );
}

/** The cockpit over the enabled providers of a status snapshot. */
export function FreeTierCockpit({ providers, below }: { providers: ProviderStatus[]; below: number }) {
  const enabled = providers.filter((p) => p.enabled);
  const spent = enabled.filter((p) => p.freeTier?.nearlySpent);
  return (
    <section className="card" aria-label="Free tier">
      <h2>Free tier left</h2>
      <NearlySpent providers={spent} below={below} />
      {enabled.map((p) => (
        <ProviderTier key={p.id} provider={p} />
      ))}
    </section>
  );
}
