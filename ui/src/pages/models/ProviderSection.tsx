// One provider of the Models page: its state and published free-tier limits, then its models with what the catalog
// publishes of them and what this gateway measured; the admin's switches beside each.
import { Badge } from '../../components/common';
import { formatCompact, formatInt, formatMs, formatPercent, formatRelative, formatUsd } from '../../format';
import { formatLimits } from '../../limits';
import type { CatalogModel, CatalogProvider, SwitchView } from './api';
import { SwitchControl } from './SwitchControl';

function State({ active, reason }: { active: boolean; reason?: string | undefined }) {
  return active ? <Badge tone="ok">serving</Badge> : <Badge tone="neutral">{reason ?? 'off'}</Badge>;
}

function Measured({ model }: { model: CatalogModel }) {
  const { stats } = model;
  if (stats === null) return <span className="hint">not called yet</span>;
  return (
    <>
      {stats.tokensPerSec === undefined ? null : <div>{formatInt(stats.tokensPerSec)} tok/s</div>}
      <div className="hint">
        {stats.ttftMs === undefined ? '' : `first token ${formatMs(stats.ttftMs)} · `}
        {formatMs(stats.latencyMs)} · {formatInt(stats.samples)} calls
      </div>
    </>
  );
}

export function ProviderSection({
  provider,
  models,
  switches,
}: {
  provider: CatalogProvider;
  models: CatalogModel[];
  /** The admin's switches by id; undefined for anyone else. */
  switches: Map<string, SwitchView> | undefined;
}) {
  const own = switches?.get(provider.id);
  const limits = formatLimits(provider.limits);
  return (
    <section className="card provider-section" aria-labelledby={`provider-${provider.id}`}>
      <div className="provider-head">
        <h2 id={`provider-${provider.id}`}>{provider.name}</h2>
        <State active={provider.active} reason={provider.reason} />
        <span className="hint">
          {limits === '' ? 'no published limits' : `free tier per key: ${limits}`} ·{' '}
          {provider.active && provider.keys === 0
            ? 'no key needed'
            : `${formatInt(provider.keys)} ${provider.keys === 1 ? 'key' : 'keys'}`}
        </span>
        {own ? <SwitchControl kind="provider" label={`Enable provider ${provider.id}`} view={own} /> : null}
      </div>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Capabilities</th>
              <th scope="col" className="num">
                Context
              </th>
              <th scope="col">Price</th>
              <th scope="col">Measured speed</th>
              <th scope="col" className="num">
                Success
              </th>
              <th scope="col" className="num">
                Judge
              </th>
              <th scope="col">State</th>
              {switches ? <th scope="col">Switch</th> : null}
            </tr>
          </thead>
          <tbody>
            {models.map((model) => {
              const view = switches?.get(model.id);
              return (
                <tr key={model.id} data-model={model.id}>
                  <td>
                    <div>
                      {model.name} <Lifecycle model={model} />
                    </div>
                    <code className="hint">{model.id}</code>
                  </td>
                  <td>{model.capabilities.join(', ')}</td>
                  <td className="num">{formatCompact(model.contextWindow)}</td>
                  <td>
                    {model.free ? (
                      <Badge tone="ok">free</Badge>
                    ) : (
                      `${formatUsd(model.costPer1M.input)} in / ${formatUsd(model.costPer1M.output)} out per 1M`
                    )}
                  </td>
                  <td>
                    <Measured model={model} />
                  </td>
                  <td className="num">{formatPercent(model.stats?.successRate)}</td>
                  <td className="num">{model.stats?.quality === undefined ? '–' : model.stats.quality.toFixed(2)}</td>
                  <td>
                    <State
                      active={model.active && model.pruned === undefined}
                      reason={model.pruned?.reason ?? model.reason}
                    />
                    {model.pruned ? <div className="hint">back {formatRelative(model.pruned.until)}</div> : null}
                  </td>
                  {switches ? (
                    <td>{view ? <SwitchControl kind="model" label={`Enable ${model.id}`} view={view} /> : null}</td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Discovery's marks: found in the provider's listing, retired from it, or with a shutdown day ahead. */
function Lifecycle({ model }: { model: CatalogModel }) {
  if (model.retiredAt !== undefined) return <Badge tone="bad">retired {model.retiredAt}</Badge>;
  return (
    <>
      {model.discovered ? <Badge tone="neutral">discovered</Badge> : null}
      {model.shutdownAt === undefined ? null : <Badge tone="warn">shuts down {model.shutdownAt}</Badge>}
    </>
  );
}
