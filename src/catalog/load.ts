// Loads the built-in provider catalog (the YAML file shipped beside the wire protocols) and validates it.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, expandEnv, formatIssues, type Env } from '../config/load.js';
import { CatalogSchema, type ProviderEntry } from '../config/schema.js';

/** The file the build copies to dist/ at the same relative place, so this URL holds there too. */
const CATALOG_URL = new URL('./catalog.yaml', import.meta.url);

/** The built-in catalog, validated, with `${VAR}` references expanded from `env`. */
export function loadCatalog(env: Env): ProviderEntry[] {
  const parsed = CatalogSchema.safeParse(expandEnv(parseYaml(readFileSync(CATALOG_URL, 'utf8')), env));
  if (!parsed.success) throw new ConfigError(`built-in catalog is invalid:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data.providers;
}
