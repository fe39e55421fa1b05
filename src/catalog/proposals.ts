// Catalog proposals from community lists (`discovery.sources`): each list is fetched, parsed, and compared with the
// catalog; what it says that the catalog does not (a provider it lacks, other limits) becomes a proposal an operator
// accepts or dismisses. Nothing is enabled from a list without that: an accepted proposal joins the catalog's
// discovered layer (a new provider is listed, and serves once it has a key; other limits apply), a dismissed one
// stays out (or leaves the layer, when it was accepted before).
import { createHash } from 'node:crypto';
import type { ProviderEntry } from '../config/schema.js';
import type { HttpClient, Timeouts } from '../providers/http.js';
import { fetchText } from './fetch-text.js';
import { probeLocalServers, type LocalProbe } from './local-servers.js';
import type { Protocol } from '../providers/protocols.js';
import type { RecordStore } from '../storage/types.js';
import { parseCommunityList, type ListedProvider } from './community-list.js';
import { compare, type ProposalChange } from './proposal-compare.js';
import { inferModel } from './discovery/infer.js';

const PROPOSALS_COLLECTION = 'catalog-proposals';

export interface Proposal {
  /** Stable for the same change from the same list: a dismissed proposal is not made again. */
  id: string;
  status: 'pending' | 'accepted' | 'dismissed';
  /** The list it came from, and the part of it. */
  source: string;
  section: string;
  change: ProposalChange;
  createdAt: number;
  decidedAt?: number;
  /** Once accepted: the entry it added to the catalog's discovered layer. */
  added?: ProviderEntry;
}

/** What the operator adds when accepting a new provider: what a community list does not say. */
export interface AcceptDetails {
  /** Its API's base URL; without one the provider is listed but cannot serve (accept again with it). */
  baseUrl?: string | undefined;
  /** Default `openai` (most providers' lists are OpenAI-compatible). */
  protocol?: Protocol | undefined;
  /** The variables holding its keys, instead of the guessed `<ID>_API_KEY`. */
  keyEnv?: string[] | undefined;
  /** Model ids to serve before its own listing is read, instead of the list's names. */
  models?: string[] | undefined;
}

export interface CatalogProposals {
  /** Fetches every source now and records what is new; resolves the proposals made and the sources that failed. */
  refresh(): Promise<{ made: number; failed: Array<{ source: string; error: string }> }>;
  list(): Promise<Proposal[]>;
  /**
   * Accepts (joining the discovered layer, with `details` for a new provider) or dismisses one (leaving the layer if
   * it had joined it); undefined when there is no such proposal.
   */
  decide(id: string, decision: 'accepted' | 'dismissed', details?: AcceptDetails): Promise<Proposal | undefined>;
}

/** Where accepted entries go: the discovered layer. */
interface AcceptedEntries {
  accept(entry: ProviderEntry): Promise<void>;
  withdraw(provider: string): Promise<boolean>;
}

export interface CatalogProposalsDeps {
  sources: string[];
  /** The catalog with the config over it, as it stands (read at each refresh). */
  providers: () => ProviderEntry[];
  records: RecordStore;
  http: HttpClient;
  timeouts: Timeouts;
  now: () => number;
  /** The discovered layer, which accepted entries join. */
  layer: AcceptedEntries;
  /** Rebuilds the registry after a decision changed the layer, so that it applies at once. */
  changed: () => Promise<void>;
  /** Which local ports to ask for servers at each refresh (`discovery.local`); undefined: none. */
  local?: () => Pick<LocalProbe, 'ports' | 'timeoutMs' | 'skip'> | undefined;
}

/** The source and section of local servers' proposals. */
const LOCAL_SOURCE = 'local';

export function createCatalogProposals(deps: CatalogProposalsDeps): CatalogProposals {
  const read = async (id: string) => {
    const stored = await deps.records.get(PROPOSALS_COLLECTION, id);
    return stored === undefined ? undefined : (JSON.parse(stored) as Proposal);
  };
  return {
    async refresh() {
      let made = 0;
      const failed: Array<{ source: string; error: string }> = [];
      for (const source of deps.sources) {
        let listed: ListedProvider[];
        try {
          listed = parseCommunityList(await fetchText(deps.http, source, deps.timeouts));
        } catch (err) {
          failed.push({ source, error: err instanceof Error ? err.message : String(err) });
          continue;
        }
        for (const { change, section } of compare(listed, deps.providers())) {
          const id = proposalId(source, change);
          if ((await read(id)) !== undefined) continue;
          const proposal: Proposal = { id, status: 'pending', source, section, change, createdAt: deps.now() };
          await deps.records.put(PROPOSALS_COLLECTION, id, JSON.stringify(proposal));
          made++;
        }
      }
      const local = deps.local?.();
      if (local !== undefined) {
        const known = deps.providers();
        for (const server of await probeLocalServers({ ...local, known, http: deps.http, timeouts: deps.timeouts })) {
          // Its id leaves the models out: a server whose list changed is not proposed again.
          const id = proposalId(LOCAL_SOURCE, { kind: 'new_provider', entry: server.entry, models: [] });
          if ((await read(id)) !== undefined) continue;
          const change: ProposalChange = { kind: 'new_provider', entry: server.entry, models: server.models };
          const proposal: Proposal = {
            id,
            status: 'pending',
            source: LOCAL_SOURCE,
            section: 'Local servers',
            change,
            createdAt: deps.now(),
          };
          await deps.records.put(PROPOSALS_COLLECTION, id, JSON.stringify(proposal));
          made++;
        }
      }
      return { made, failed };
    },
    async list() {
      const all = await deps.records.list(PROPOSALS_COLLECTION);
      return all.map(({ value }) => JSON.parse(value) as Proposal).sort((a, b) => a.createdAt - b.createdAt);
    },
    async decide(id, decision, details = {}) {
      const proposal = await read(id);
      if (proposal === undefined) return undefined;
      const { added: _previous, ...rest } = proposal;
      const decided: Proposal = { ...rest, status: decision, decidedAt: deps.now() };
      if (decision === 'accepted') {
        decided.added = entryOf(proposal.change, details);
        await deps.layer.accept(decided.added);
      } else if (proposal.status === 'accepted') {
        await deps.layer.withdraw(providerOf(proposal.change));
      }
      await deps.records.put(PROPOSALS_COLLECTION, id, JSON.stringify(decided));
      await deps.changed();
      return decided;
    },
  };
}

const providerOf = (change: ProposalChange) => (change.kind === 'limits' ? change.provider : change.entry.id);

/**
 * The entry an accepted change adds to the discovered layer: a known provider's proposed limits, or a new provider
 * with what the operator added (protocol, base URL), discovering its models, and serving the list's model names that
 * look like ids (with modest priors) until its listing is read.
 */
function entryOf(change: ProposalChange, details: AcceptDetails): ProviderEntry {
  if (change.kind === 'limits') return { id: change.provider, limits: change.proposed };
  const ids = details.models ?? change.models.filter((name) => /^[\w.:/-]+$/.test(name));
  return {
    ...change.entry,
    protocol: details.protocol ?? change.entry.protocol ?? 'openai',
    ...((details.baseUrl ?? change.entry.baseUrl) === undefined
      ? {}
      : { baseUrl: details.baseUrl ?? change.entry.baseUrl }),
    ...(details.keyEnv === undefined ? {} : { keyEnv: details.keyEnv }),
    discover: true,
    models: ids.flatMap((model) => inferModel({ id: model }) ?? []),
  };
}

function proposalId(source: string, change: ProposalChange): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([source, change]))
    .digest('hex');
  return `prop_${digest.slice(0, 12)}`;
}
