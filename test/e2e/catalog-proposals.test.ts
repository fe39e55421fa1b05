// End to end: a community list (`discovery.sources`, served here by a local HTTP server from a README written for the
// tests) becomes catalog proposals an operator accepts or dismisses; nothing from it is enabled without acceptance. An
// accepted provider joins the live catalog (listed without a key, serving with one from the vault or the environment)
// and outlives a restart; a dismissed one stays out, and dismissing an accepted one takes it out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/catalog/proposals.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { useCli } from './cli-harness.js';
import { ADMIN_KEY, ask, keysSeen, provider, startKeysGateway, until, useFakesAndGateway } from './keys-harness.js';

const README = readFileSync(new URL('../fixtures/community/free-llm-list.md', import.meta.url), 'utf8');

const cli = useCli();
const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream()]));
let alpha: FakeUpstream;
let list: Server;
let listUrl: string;
let served = 0;
beforeAll(async () => {
  [alpha] = fx.fakes;
  list = createServer((req, res) => {
    served++;
    if (req.url === '/README.md') res.writeHead(200, { 'content-type': 'text/markdown' }).end(README);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => list.listen(0, '127.0.0.1', resolve));
  listUrl = `http://127.0.0.1:${(list.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => list.close(() => resolve())));

async function proposals(): Promise<Proposal[]> {
  const { status, body } = await call(fx.gw!.url, 'GET', '/admin/catalog/proposals', ADMIN_KEY);
  expect(status).toBe(200);
  return body.data as Proposal[];
}

describe('catalog proposals from a community list', () => {
  it('proposes new providers and changed limits, enables none, and remembers what was accepted or dismissed', async () => {
    fx.gw = await startKeysGateway({
      providers: [provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-alpha-1111'] })],
      discovery: { sources: [`${listUrl}/README.md`, `${listUrl}/missing.md`] },
    });
    // Read in the background at start.
    expect(await until(async () => (await proposals()).length > 0)).toBe(true);
    const all = await proposals();
    const added = all.flatMap((p) => (p.change.kind === 'new_provider' ? [p.change.entry.name] : []));
    expect(added.sort()).toEqual(['Echidna LLM', 'Platypus AI', 'Quokka Inference', 'Wombat Cloud']);
    const wombat = all.find((p) => p.change.kind === 'new_provider' && p.change.entry.id === 'wombat-cloud')!;
    expect(wombat).toMatchObject({
      status: 'pending',
      section: 'Providers with trial credits',
      change: {
        entry: {
          keyEnv: ['WOMBAT_CLOUD_API_KEY'],
          signupUrl: 'https://wombat.example/signup',
          trialCredit: { amount: 25, currency: 'USD' },
        },
        models: ['wombat-chat-70b'],
      },
    });
    // Groq's figures differ from the catalog's; OpenRouter's are the catalog's own: no proposal for it.
    const limits = all.filter((p) => p.change.kind === 'limits').map((p) => p.change);
    expect(limits).toEqual([
      expect.objectContaining({ provider: 'groq', proposed: expect.objectContaining({ rpm: 25, rpd: 900 }) }),
    ]);

    const accepted = await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${wombat.id}/accept`, ADMIN_KEY);
    expect(accepted.body).toMatchObject({ status: 'accepted', decidedAt: expect.any(Number) });
    const quokka = all.find((p) => p.change.kind === 'new_provider' && p.change.entry.id === 'quokka-inference')!;
    const dismissed = await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${quokka.id}/dismiss`, ADMIN_KEY);
    expect(dismissed.body).toMatchObject({ status: 'dismissed' });
    expect((await call(fx.gw.url, 'POST', '/admin/catalog/proposals/prop_000000000000/accept', ADMIN_KEY)).status).toBe(
      404,
    );

    // Nothing from the list is served: the accepted one has neither a key nor a base URL.
    const models = await fx.gw.client.models.list();
    expect(models.data.map((m) => m.id).filter((id) => /wombat|quokka|platypus|echidna/.test(id))).toEqual([]);

    // A second read makes nothing new: the same changes keep their ids and their decisions; the missing list fails.
    const before = served;
    const refreshed = await call(fx.gw.url, 'POST', '/admin/catalog/proposals/refresh', ADMIN_KEY);
    expect(served).toBe(before + 2);
    expect(refreshed.body).toMatchObject({ made: 0, failed: [{ source: `${listUrl}/missing.md`, error: 'HTTP 404' }] });
    const after = await proposals();
    expect(after).toHaveLength(all.length);
    expect(after.find((p) => p.id === quokka.id)!.status).toBe('dismissed');
    expect(after.find((p) => p.id === wombat.id)!.status).toBe('accepted');
  });

  it('lists, accepts and dismisses through `switchboard models`, printing the entry to add', async () => {
    fx.gw = await startKeysGateway({
      providers: [provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-alpha-1111'] })],
      discovery: { sources: [`${listUrl}/README.md`] },
    });
    const env = { SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, NO_COLOR: '1' };
    const listed = await cli(['models', 'proposals', '--refresh', '--url', fx.gw.url], /proposals?;|No proposals/, env);
    expect(listed.out).toContain('new provider Platypus AI (https://platypus.example)');
    const platypus = (await proposals()).find(
      (p) => p.change.kind === 'new_provider' && p.change.entry.id === 'platypus-ai',
    )!;
    const accepted = await cli(['models', 'accept', platypus.id, '--url', fx.gw.url], /baseUrl|rror/, env);
    expect(accepted.out).toContain(`${platypus.id} accepted`);
    expect(accepted.out).toContain('platypus-ai joined the catalog; it cannot serve without a base URL');
    expect(accepted.out).toMatch(/id: platypus-ai[\s\S]*PLATYPUS_AI_API_KEY/);
    expect((await proposals()).find((p) => p.id === platypus.id)!.status).toBe('accepted');
    const missing = await cli(['models', 'dismiss', 'prop_000000000000', '--url', fx.gw.url], /proposal/, env);
    expect(missing.out).toContain('There is no proposal with this id');
    // Three CLI processes, each a few seconds to start under tsx on a loaded machine.
  }, 60_000);

  it('joins an accepted provider to the live catalog: listed without a key, serving with one, kept after a restart', async () => {
    const env = {
      SWITCHBOARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sb-proposals-')),
      SWITCHBOARD_MASTER_KEY: 'a-master-key-for-the-proposals-test',
    };
    const config = {
      providers: [provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-alpha-1111'] })],
      discovery: { sources: [`${listUrl}/README.md`] },
    };
    fx.gw = await startKeysGateway(config, env);
    expect(await until(async () => (await proposals()).length > 0)).toBe(true);
    const byId = (id: string) =>
      proposals().then((all) => all.find((p) => p.change.kind === 'new_provider' && p.change.entry.id === id)!);
    const [wombat, platypus, quokka] = await Promise.all(['wombat-cloud', 'platypus-ai', 'quokka-inference'].map(byId));
    const providers = async (gw = fx.gw!) => {
      const { body } = await call(gw.url, 'GET', '/admin/keys/providers', ADMIN_KEY);
      return (body as { data: Array<{ id: string; enabled: boolean; reason?: string; keys: number }> }).data;
    };
    expect((await providers()).map((p) => p.id)).not.toContain('wombat-cloud');

    // Accepted with the base URL the list does not give (the fake stands in for Wombat's API).
    const accepted = await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${wombat!.id}/accept`, ADMIN_KEY, {
      baseUrl: alpha.baseUrl,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      added: {
        id: 'wombat-cloud',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        keyEnv: ['WOMBAT_CLOUD_API_KEY'],
        discover: true,
        models: [expect.objectContaining({ id: 'wombat-chat-70b', discovered: true })],
      },
    });
    // Listed at once, not serving: it has no key yet.
    expect((await providers()).find((p) => p.id === 'wombat-cloud')).toMatchObject({
      enabled: false,
      reason: expect.stringContaining('WOMBAT_CLOUD_API_KEY'),
    });
    await expect(ask(fx.gw, 'wombat-cloud/wombat-chat-70b')).rejects.toThrow();
    const added = await call(fx.gw.url, 'POST', '/admin/keys', ADMIN_KEY, {
      provider: 'wombat-cloud',
      key: 'sk-wombat-vault-1',
    });
    expect(added.status).toBe(201);
    expect((await ask(fx.gw, 'wombat-cloud/wombat-chat-70b')).servedBy).toBe('wombat-cloud/wombat-chat-70b');
    expect(keysSeen(alpha).at(-1)).toBe('sk-wombat-vault-1');

    // Platypus: accepted with a model id of the operator's; its key comes from the environment after the restart.
    const platypusAccepted = await call(
      fx.gw.url,
      'POST',
      `/admin/catalog/proposals/${platypus!.id}/accept`,
      ADMIN_KEY,
      {
        baseUrl: alpha.baseUrl,
        models: ['platypus-chat'],
      },
    );
    expect(platypusAccepted.status).toBe(200);
    // Dismissed: not in the catalog; a bad accept body is a 400 naming the field.
    await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${quokka!.id}/dismiss`, ADMIN_KEY);
    const bad = await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${quokka!.id}/accept`, ADMIN_KEY, {
      baseUrl: 'not a url',
    });
    expect(bad.status).toBe(400);
    expect((await providers()).map((p) => p.id)).not.toContain('quokka-inference');

    await fx.gw.close();
    fx.gw = await startKeysGateway(config, { ...env, PLATYPUS_AI_API_KEY: 'sk-platypus-env-1' });
    const after = await providers();
    expect(after.find((p) => p.id === 'wombat-cloud')).toMatchObject({ enabled: true, keys: 1 });
    expect(after.find((p) => p.id === 'platypus-ai')).toMatchObject({ enabled: true, keys: 1 });
    expect(after.map((p) => p.id)).not.toContain('quokka-inference');
    expect((await ask(fx.gw, 'platypus-ai/platypus-chat')).servedBy).toBe('platypus-ai/platypus-chat');
    expect(keysSeen(alpha).at(-1)).toBe('sk-platypus-env-1');
    const catalog = await call(fx.gw.url, 'GET', '/v1/catalog', ADMIN_KEY);
    expect((catalog.body as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain(
      'wombat-cloud/wombat-chat-70b',
    );

    // Dismissing an accepted proposal takes the provider out again.
    await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${wombat!.id}/dismiss`, ADMIN_KEY);
    expect((await providers()).map((p) => p.id)).not.toContain('wombat-cloud');
    await expect(ask(fx.gw, 'wombat-cloud/wombat-chat-70b')).rejects.toThrow();
  });

  it('is an admin route', async () => {
    fx.gw = await startKeysGateway({ providers: [provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-a-1'] })] });
    expect((await call(fx.gw.url, 'GET', '/admin/catalog/proposals', 'sk-not-admin')).status).toBe(401);
    expect(await proposals()).toEqual([]);
  });
});
