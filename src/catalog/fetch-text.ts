// Reads a small text resource over the gateway's HTTP client, within a byte limit and a time limit: community lists
// and local servers' model listings.
import type { HttpClient, Timeouts } from '../providers/http.js';

/** Fetch limit: a README is a few hundred KB at most, a model listing less. */
const MAX_BYTES = 2_000_000;

/** The body of a 200 answer to GET `url`; throws on another status, on a larger body, or past `timeoutMs`. */
export async function fetchText(
  http: HttpClient,
  url: string,
  timeouts: Timeouts,
  timeoutMs = timeouts.firstByteMs + timeouts.idleMs,
): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await http.request({ url, signal, timeouts, pool: 'catalog-sources' });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return Buffer.concat(chunks).toString('utf8');
}
