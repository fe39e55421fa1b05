// The Models page: the catalog's models grouped by provider, with capabilities, context window, price, the free-tier
// limits and what this gateway measured (live), filterable by capability, provider and price (in the URL); the admin
// switches providers and models on and off at run time, syncs discovery and decides the community lists' proposals.
import { isAdmin, useSession } from '../../api/session';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { useSearchParam } from '../../components/use-search-param';
import { type CatalogModel, type CatalogProvider, type SwitchView, useCatalog, useSwitches } from './api';
import { CatalogChanges } from './CatalogChanges';
import { ProposalList } from './ProposalList';
import { ProviderSection } from './ProviderSection';

const CAPABILITIES = ['chat', 'code', 'tools', 'vision', 'json', 'long_context', 'reasoning', 'embeddings'];

export default function ModelsPage() {
  const { me } = useSession();
  const admin = isAdmin(me);
  const catalog = useCatalog();
  const switches = useSwitches(admin);
  const [params, setParam] = useSearchParam();
  const capability = params.get('capability') ?? '';
  const provider = params.get('provider') ?? '';
  const freeOnly = params.get('free') === '1';
  const setFilter = (name: string, value: string) => setParam(name, value === '' ? undefined : value);

  const byId = switches.data
    ? new Map<string, SwitchView>([...switches.data.providers, ...switches.data.models].map((s) => [s.id, s]))
    : undefined;
  const keep = (m: CatalogModel) =>
    (capability === '' || m.capabilities.includes(capability)) &&
    (provider === '' || m.provider === provider) &&
    (!freeOnly || m.free);
  const models = catalog.data?.data.filter(keep) ?? [];
  const shown = (catalog.data?.providers ?? []).filter((p) => models.some((m) => m.provider === p.id));
  const section = (p: CatalogProvider) => (
    <ProviderSection key={p.id} provider={p} models={models.filter((m) => m.provider === p.id)} switches={byId} />
  );
  const off = shown.filter((p) => !p.active);
  const serving = catalog.data?.data.filter((m) => m.active).length ?? 0;

  return (
    <>
      <PageHeader title="Models">
        {catalog.data ? (
          <span className="hint">
            {serving} of {catalog.data.data.length} models serving
          </span>
        ) : null}
        {admin ? (
          <span className="hint">
            <a href="#catalog-changes">Catalog changes</a> · <a href="#proposals">Proposals</a>
          </span>
        ) : null}
      </PageHeader>
      <search className="filters" aria-label="Filter models">
        <div>
          <label htmlFor="models-capability">Capability</label>
          <select id="models-capability" value={capability} onChange={(e) => setFilter('capability', e.target.value)}>
            <option value="">any</option>
            {CAPABILITIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="models-provider">Provider</label>
          <select id="models-provider" value={provider} onChange={(e) => setFilter('provider', e.target.value)}>
            <option value="">any</option>
            {(catalog.data?.providers ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label>
            <input
              type="checkbox"
              checked={freeOnly}
              onChange={(e) => setFilter('free', e.target.checked ? '1' : '')}
            />{' '}
            Free only
          </label>
        </div>
      </search>
      <ErrorNotice error={catalog.error} />
      <ErrorNotice error={switches.error} />
      {catalog.isPending ? <Loading what="the catalog" /> : null}
      {catalog.data && catalog.data.data.length === 0 ? (
        <EmptyState title="No models to show">
          <p>
            {admin
              ? 'No provider in the catalog or the config lists a model. Add a provider key on the Keys page, or list providers in switchboard.yaml.'
              : 'This key may use no model that is serving. Ask the operator to allow models for it.'}
          </p>
        </EmptyState>
      ) : null}
      {catalog.data && catalog.data.data.length > 0 && models.length === 0 ? (
        <EmptyState title="No model matches these filters">
          <p>Choose “any” in a filter, or untick “Free only”.</p>
        </EmptyState>
      ) : null}
      {shown.filter((p) => p.active).map(section)}
      {off.length > 0 ? (
        // The catalog lists many providers without a key here: folded, so the serving ones are read first.
        <details className="providers-off">
          <summary>
            {off.length} {off.length === 1 ? 'provider' : 'providers'} not serving (no key, or switched off)
          </summary>
          {off.map(section)}
        </details>
      ) : null}
      {admin ? (
        <>
          <CatalogChanges />
          <ProposalList />
        </>
      ) : null}
    </>
  );
}
