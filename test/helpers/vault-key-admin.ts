// A small KeyAdmin over a real key vault, and the admin key router served on 127.0.0.1: for the route and CLI tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { createKeyVault, type KeyVault } from '../../src/accounts/key-vault.js';
import { providerKeyId } from '../../src/accounts/secrets.js';
import { maskSecret } from '../../src/mask-secret.js';
import type { KeyAdmin, KeyInfo } from '../../src/accounts/types.js';
import { badRequest, notFound } from '../../src/errors.js';
import { errorHandler } from '../../src/server/middleware/errors.js';
import { adminKeyRoutes } from '../../src/server/routes/admin-keys.js';
import { createMemoryRecordStore } from '../../src/storage/memory/records.js';

/** Keys beginning with this validate; any other fails, as a provider's 401 would. */
const VALID_PREFIX = 'good-';

/**
 * Providers `providers` are known; `envKeys` stand for keys from the environment (listed, not removable). The real
 * KeyAdmin (the key pool) adds health and use counts; this one keeps only what the routes need to be exercised.
 */
export function createTestKeyAdmin(
  vault: KeyVault,
  providers: string[],
  envKeys: Array<{ provider: string; key: string }> = [],
): KeyAdmin {
  const health = new Map<string, Pick<KeyInfo, 'status' | 'reason'>>();
  const info = (provider: string, key: string, source: KeyInfo['source']): KeyInfo => {
    const id = providerKeyId(provider, key);
    return { id, provider, masked: maskSecret(key), source, status: 'active', uses: 0, ...health.get(id) };
  };
  const all = async () => [
    ...envKeys.map((k) => ({ ...k, source: 'env' as const })),
    ...(await vault.entries()).map((k) => ({ ...k, source: 'vault' as const })),
  ];
  return {
    get canStore() {
      return vault.canStore;
    },
    async add(provider, key) {
      if (!providers.includes(provider))
        throw notFound(`There is no provider '${provider}'`, 'provider_not_found', 'provider');
      await vault.add(provider, key);
      return info(provider, key, 'vault');
    },
    async list() {
      return (await all()).map((k) => info(k.provider, k.key, k.source));
    },
    async remove(id) {
      if (envKeys.some((k) => providerKeyId(k.provider, k.key) === id))
        throw badRequest('This key comes from the environment', 'id', 'key_not_removable');
      return vault.remove(id);
    },
    async validate(id) {
      const key = (await all()).find((k) => providerKeyId(k.provider, k.key) === id);
      if (key === undefined) throw notFound(`There is no key ${id}`, 'key_not_found', 'id');
      const ok = key.key.startsWith(VALID_PREFIX);
      health.set(id, ok ? { status: 'active' } : { status: 'disabled', reason: 'the provider refused the key (401)' });
      return {
        ...info(key.provider, key.key, key.source),
        ok,
        ...(ok ? {} : { message: 'the provider refused the key (401)' }),
      };
    },
    providers() {
      return providers.map((id) => ({
        id,
        name: id,
        enabled: true,
        keyless: false,
        keys: envKeys.filter((k) => k.provider === id).length,
        keyEnv: [`${id.toUpperCase()}_API_KEY`],
        signupUrl: `https://${id}.example/keys`,
      }));
    },
    async vault() {
      return { configured: vault.canStore, location: 'memory', entries: (await vault.entries()).length, problems: [] };
    },
  };
}

export interface AdminServer {
  url: string;
  keys: KeyAdmin;
  vault: KeyVault;
  close(): Promise<void>;
}

/** The admin key routes on a real port, with the project's JSON parser settings and error handler. */
export async function startAdminServer(options: {
  adminKey: string | undefined;
  masterKey?: string;
  keys?: (vault: KeyVault) => KeyAdmin;
}): Promise<AdminServer> {
  const vault = await createKeyVault({ records: createMemoryRecordStore(), masterKey: options.masterKey });
  const keys =
    options.keys?.(vault) ??
    createTestKeyAdmin(vault, ['groq', 'mistral'], [{ provider: 'groq', key: 'good-env-key-0123456789' }]);
  const app = express();
  app.use(express.json());
  app.use(adminKeyRoutes({ keys, adminKey: options.adminKey }));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    vault,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
