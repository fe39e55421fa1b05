// Local OpenAI-compatible servers (LM Studio, vLLM, llama.cpp's server, Ollama) found by asking 127.0.0.1's usual
// ports for their model list (`discovery.local`). What answers becomes a proposal, never a provider by itself: a
// process on a port is not consent to send it prompts (it may be another service, or a dev server).
import type { ProviderEntry } from '../config/schema.js';
import type { HttpClient, Timeouts } from '../providers/http.js';
import { fetchText } from './fetch-text.js';

/** A local server that answered: the provider it would be, and the models it listed. */
export interface LocalServer {
  entry: Pick<ProviderEntry, 'id' | 'name' | 'protocol' | 'baseUrl' | 'keyless'>;
  models: string[];
}

export interface LocalProbe {
  ports: number[];
  /** How long one port may take to answer (it is local: a short wait). */
  timeoutMs: number;
  /** Ports not to ask: the gateway's own, those of providers already on. */
  skip: (port: number) => boolean;
  /** The catalog's providers: a local one whose base URL has the port is the one proposed (ollama for 11434...). */
  known: ProviderEntry[];
  http: HttpClient;
  timeouts: Timeouts;
}

/** The servers on `ports` of 127.0.0.1 that list models at `/v1/models`; the others are left out, silently. */
export async function probeLocalServers(probe: LocalProbe): Promise<LocalServer[]> {
  const found = await Promise.all(probe.ports.filter((port) => !probe.skip(port)).map((port) => probeOne(probe, port)));
  return found.flatMap((server) => server ?? []);
}

async function probeOne(probe: LocalProbe, port: number): Promise<LocalServer | undefined> {
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  let models: string[];
  try {
    const body = JSON.parse(await fetchText(probe.http, `${baseUrl}/models`, probe.timeouts, probe.timeoutMs)) as {
      data?: Array<{ id?: unknown }>;
    };
    if (!Array.isArray(body.data)) return undefined;
    models = body.data.flatMap((model) => (typeof model.id === 'string' ? [model.id] : []));
  } catch {
    return undefined;
  }
  const catalog = probe.known.find((entry) => entry.keyless === true && portOf(entry.baseUrl) === port);
  const id = catalog?.id ?? `local-${port}`;
  const name = catalog?.name ?? `Local server on port ${port}`;
  return { entry: { id, name, protocol: 'openai', baseUrl, keyless: true }, models };
}

/** The port of a loopback URL; undefined for any other. */
export function portOf(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return undefined;
    return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
}
