// Checks a provider key against its provider (a model-list call made with it): the admin API's validate and
// `switchboard init` both ask this one function.
import type { ResolvedProvider } from '../catalog/types.js';
import { isProviderError, withoutSecret } from '../providers/errors.js';
import type { Timeouts } from '../providers/http.js';
import type { Adapters } from '../providers/protocols.js';

/** What the provider said of a key: it listed its models, or the call failed (`refused`: a 401/403, the key is bad). */
export type KeyCheck =
  | { ok: true; models: number }
  | { ok: false; refused: boolean; status: number | undefined; message: string };

/**
 * Lists `provider`'s models with `secret`, within the first-byte timeout. The failure's message has the key masked
 * (a provider may echo it); `refused` tells a key the provider turned down from a provider that could not be asked.
 */
export async function checkProviderKey(
  adapters: Adapters,
  provider: ResolvedProvider,
  secret: string,
  timeouts: Timeouts,
): Promise<KeyCheck> {
  try {
    const models = await adapters[provider.protocol].listModels({
      baseUrl: provider.baseUrl,
      apiKey: secret,
      signal: AbortSignal.timeout(timeouts.firstByteMs),
      timeouts,
      headers: provider.headers,
      maxTokensField: provider.maxTokensField,
    });
    return { ok: true, models: models.length };
  } catch (err) {
    const masked = withoutSecret(err, secret);
    const message = masked instanceof Error ? masked.message : 'the check failed';
    const known = isProviderError(masked);
    return { ok: false, refused: known && masked.kind === 'auth', status: known ? masked.status : undefined, message };
  }
}
