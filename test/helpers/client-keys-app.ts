// A small real server for the client-key tests: clientAuth on /v1 (with an echo route), the admin routes, the error
// handler.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { createClientKeys, type ClientKeys, type ClientKeysOptions } from '../../src/accounts/client-keys.js';
import { callerOf, clientAuth } from '../../src/server/middleware/client-auth.js';
import { errorHandler } from '../../src/server/middleware/errors.js';
import { adminClientKeyRoutes } from '../../src/server/routes/admin-client-keys.js';
import { createMemoryRecordStore } from '../../src/storage/memory/records.js';
import { createMemoryWindowStore } from '../../src/storage/memory/windows.js';

export const TEST_ADMIN_KEY = 'admin-secret-0123456789';

export interface ClientKeysApp {
  keys: ClientKeys;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1 with a fresh memory store unless `options` brings one. `adminKey` null: the gateway has
 * none configured. GET /v1/echo answers `{ caller }`.
 */
export async function startClientKeysApp(
  options: Partial<ClientKeysOptions> = {},
  adminKey: string | null = TEST_ADMIN_KEY,
): Promise<ClientKeysApp> {
  const keys = await createClientKeys({
    records: createMemoryRecordStore(),
    windows: createMemoryWindowStore(),
    requireAuth: false,
    ...options,
  });
  const app = express();
  app.use(express.json());
  app.use('/v1', clientAuth(keys, adminKey ?? undefined));
  app.get('/v1/echo', (_req, res) => {
    res.json({ caller: callerOf(res) });
  });
  app.use(adminClientKeyRoutes({ clientKeys: keys, adminKey: adminKey ?? undefined }));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    keys,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      keys.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
