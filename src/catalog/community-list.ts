// Reads a community list of free LLM APIs (a README in markdown) into the providers it lists: name, signup link,
// published limits, trial credit and model names, from its headings, paragraphs, lists and tables (marked's lexer).
import { lexer, type Token, type Tokens } from 'marked';
import type { Limits } from '../config/schema.js';

/** One provider as a community list describes it. */
export interface ListedProvider {
  name: string;
  /** The heading of the part it is listed under ("Free providers", "Providers with trial credits"). */
  section: string;
  /** The link its heading or row gives (usually where to sign up). */
  url?: string;
  /** The limits its text states (the tightest where several are stated for one window). */
  limits: Limits;
  /** A one-time credit its text states ("$10 of credits", "1,000,000 free tokens"). */
  trialCredit?: { amount: number; currency: string };
  /** Model names from its lists and tables. */
  models: string[];
}

const LIMIT =
  /(\d[\d,.]*)\s*(k|m)?\s*(requests?|reqs?|tokens?|calls?)\s*(?:\/|per|a|an|each)\s*(minute|min|day|hour|month)\b/gi;
const SHORT_LIMIT = /(\d[\d,.]*)\s*(k|m)?\s*(rpm|rpd|tpm|tpd)\b/gi;
const DOLLARS = /\$\s?(\d+(?:\.\d+)?)\s*(?:of\s+)?(?:free\s+)?(?:trial\s+)?credits?/i;
const TOKENS_CREDIT =
  /(\d[\d,.]*)\s*(k|m)?\s*(?:free\s+)?tokens?\b(?!\s*(?:\/|per|a|an|each)\s*(?:minute|min|day|hour|month))/i;

/** The providers a community README lists: each heading of level 3 or more, and each row of a table naming providers. */
export function parseCommunityList(markdown: string): ListedProvider[] {
  const found: ListedProvider[] = [];
  let section = '';
  let current: ListedProvider | undefined;
  for (const token of lexer(markdown)) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      if (heading.depth <= 2) {
        section = heading.text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
        current = undefined;
        continue;
      }
      current = { name: plain(heading.tokens), section, limits: {}, models: [] };
      const url = firstLink(heading.tokens);
      if (url !== undefined) current.url = url;
      found.push(current);
      continue;
    }
    if (token.type === 'table') {
      const table = token as Tokens.Table;
      const headers = table.header.map((cell) => cell.text.toLowerCase());
      const providerColumn = headers.findIndex((h) => /provider|service|name/.test(h) && !/model/.test(h));
      if (providerColumn >= 0 && current === undefined) found.push(...providerRows(table, providerColumn, section));
      else if (current !== undefined) modelRows(table, headers, current);
      continue;
    }
    if (current !== undefined) describe(current, token);
  }
  return found.filter((provider) => provider.name !== '');
}

/** A table whose rows are providers: its other columns' text gives limits, credit and models. */
function providerRows(table: Tokens.Table, column: number, section: string): ListedProvider[] {
  return table.rows.map((row) => {
    const cell = row[column]!;
    const provider: ListedProvider = { name: plain(cell.tokens), section, limits: {}, models: [] };
    const url = firstLink(cell.tokens) ?? row.map((c) => firstLink(c.tokens)).find((href) => href !== undefined);
    if (url !== undefined) provider.url = url;
    for (const [i, other] of row.entries()) if (i !== column) readText(provider, other.text);
    return provider;
  });
}

/** A table under a provider: a model column gives model names, other columns limits. */
function modelRows(table: Tokens.Table, headers: string[], provider: ListedProvider): void {
  const modelColumn = headers.findIndex((h) => /model/.test(h));
  for (const row of table.rows) {
    if (modelColumn >= 0) provider.models.push(plain(row[modelColumn]!.tokens));
    // Per-model limits are not the provider's: only a credit stated in a row counts for it.
    for (const [i, cell] of row.entries()) if (i !== modelColumn) creditOf(provider, cell.text);
  }
}

/** What a paragraph or list under a provider's heading says: limits and credit, and list items naming models. */
function describe(provider: ListedProvider, token: Token): void {
  if (token.type === 'list') {
    for (const item of (token as Tokens.List).items) {
      const text = plain(item.tokens);
      if (!readText(provider, text) && looksLikeModel(text)) provider.models.push(text);
    }
    return;
  }
  if (token.type === 'paragraph')
    for (const line of (token as Tokens.Paragraph).text.split('\n')) readText(provider, line);
}

/** Reads limits and a credit from one line of text; true when it stated either. */
function readText(provider: ListedProvider, text: string): boolean {
  let said = false;
  for (const m of text.matchAll(LIMIT)) {
    const unit = m[4]!.toLowerCase();
    if (unit !== 'minute' && unit !== 'min' && unit !== 'day') continue;
    const what = /token/i.test(m[3]!) ? 't' : 'r';
    said = setLimit(provider, `${what}p${unit === 'day' ? 'd' : 'm'}` as keyof Limits, count(m[1]!, m[2])) || said;
  }
  for (const m of text.matchAll(SHORT_LIMIT)) {
    said = setLimit(provider, m[3]!.toLowerCase() as keyof Limits, count(m[1]!, m[2])) || said;
  }
  return creditOf(provider, text) || said;
}

function creditOf(provider: ListedProvider, text: string): boolean {
  const dollars = DOLLARS.exec(text);
  if (dollars !== null) {
    provider.trialCredit = { amount: Number(dollars[1]), currency: 'USD' };
    return true;
  }
  const tokens = /credit|free|trial/i.test(text) ? TOKENS_CREDIT.exec(text) : null;
  if (tokens === null) return false;
  provider.trialCredit = { amount: count(tokens[1]!, tokens[2]), currency: 'tokens' };
  return true;
}

function setLimit(provider: ListedProvider, name: keyof Limits, value: number): boolean {
  if (!Number.isInteger(value) || value <= 0) return false;
  const current = provider.limits[name];
  if (current === undefined || value < current) provider.limits[name] = value;
  return true;
}

/** "14,400" → 14400, "1.5" with "m" → 1500000. */
function count(digits: string, scale: string | undefined): number {
  const n = Number(digits.replace(/,/g, ''));
  const factor = scale === undefined ? 1 : scale.toLowerCase() === 'k' ? 1_000 : 1_000_000;
  return Math.round(n * factor);
}

/** A model name is one short word-ish run ("llama-3.3-70b", "Qwen/Qwen3-8B"), not a sentence. */
function looksLikeModel(text: string): boolean {
  return text.length > 0 && text.length <= 80 && !/[.:;!?]\s/.test(`${text} `) && text.split(/\s+/).length <= 6;
}

/** The text of inline tokens, links reduced to their words. */
function plain(tokens: Token[] | undefined): string {
  if (tokens === undefined) return '';
  return tokens
    .map((token) => {
      const nested = (token as { tokens?: Token[] }).tokens;
      if (nested !== undefined) return plain(nested);
      return token.type === 'codespan' ? (token as Tokens.Codespan).text : ((token as { text?: string }).text ?? '');
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function firstLink(tokens: Token[] | undefined): string | undefined {
  for (const token of tokens ?? []) {
    if (token.type === 'link') return (token as Tokens.Link).href;
    const nested = firstLink((token as { tokens?: Token[] }).tokens);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
