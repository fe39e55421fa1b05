// What a community list says that the catalog does not: a provider it lacks (matched by name, id or site), or other
// limits for one it has. Each difference is a proposal's change.
import type { Limits, ProviderEntry } from '../config/schema.js';
import type { ListedProvider } from './community-list.js';

/** What a community list proposes for one provider. */
export type ProposalChange =
  | {
      kind: 'new_provider';
      /**
       * A config entry to start from: a list gives no protocol or base URL, so those are the operator's to add; a
       * local server found on a port gives both, and needs no key (`keyless`).
       */
      entry: Pick<
        ProviderEntry,
        'id' | 'name' | 'keyEnv' | 'signupUrl' | 'limits' | 'trialCredit' | 'protocol' | 'baseUrl' | 'keyless'
      >;
      /** Model names the list gives. */
      models: string[];
    }
  | { kind: 'limits'; provider: string; current: Limits; proposed: Limits };

/** What the listed providers say that the catalog does not. */
export function compare(
  listed: ListedProvider[],
  known: ProviderEntry[],
): Array<{ change: ProposalChange; section: string }> {
  const changes: Array<{ change: ProposalChange; section: string }> = [];
  for (const provider of listed) {
    const match = known.find((entry) => sameProvider(provider, entry));
    if (match === undefined) {
      changes.push({ change: newProvider(provider), section: provider.section });
      continue;
    }
    const current = match.limits ?? {};
    const differs = (Object.keys(provider.limits) as Array<keyof Limits>).filter(
      (name) => provider.limits[name] !== current[name],
    );
    if (differs.length > 0) {
      const proposed = { ...current, ...provider.limits };
      changes.push({ change: { kind: 'limits', provider: match.id, current, proposed }, section: provider.section });
    }
  }
  return changes;
}

function newProvider(provider: ListedProvider): ProposalChange {
  const id = slug(provider.name);
  const entry = {
    id,
    name: provider.name,
    // A guess in the usual form: the operator corrects it before setting it.
    keyEnv: [`${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`],
    ...(provider.url === undefined ? {} : { signupUrl: provider.url }),
    ...(Object.keys(provider.limits).length === 0 ? {} : { limits: provider.limits }),
    ...(provider.trialCredit === undefined ? {} : { trialCredit: provider.trialCredit }),
  };
  return { kind: 'new_provider', entry, models: provider.models };
}

/** By name ("Google AI Studio" in "Google AI Studio (Gemini API)"), id, or the site of its link. */
function sameProvider(provider: ListedProvider, entry: ProviderEntry): boolean {
  const name = squash(provider.name);
  const names = [entry.id, entry.name ?? ''].map(squash).filter((n) => n.length >= 3);
  if (names.some((n) => n === name || (name.length >= 4 && (n.includes(name) || name.includes(n))))) return true;
  const site = siteOf(provider.url);
  return site !== undefined && [entry.signupUrl, entry.baseUrl].some((url) => siteOf(url) === site);
}

/** The registrable part of a URL's host ("console.groq.com" → "groq.com"); undefined for github.com and the like. */
function siteOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const host = new URL(url).hostname.split('.').slice(-2).join('.');
    // Many providers' links point at GitHub or Hugging Face pages: those name no provider.
    return ['github.com', 'huggingface.co', 'google.com'].includes(host) ? undefined : host;
  } catch {
    return undefined;
  }
}

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'provider';
