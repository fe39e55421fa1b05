// End to end: bad requests get OpenAI's error body with the right status and field; model pinning; contextual chat.
import { beforeEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { startTestGateway, type TestGateway, type ThreeProtocols, useThreeProtocolGateway } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

const chat = useThreeProtocolGateway();
beforeEach(() => void ({ fakes, gw } = chat));

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
}

const hi = [{ role: 'user', content: 'hi' }];

describe('bad requests', () => {
  it.each([
    ['no messages', { model: 'auto' }, 400, 'messages'],
    ['empty messages', { model: 'auto', messages: [] }, 400, 'messages'],
    ['an unknown role', { model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role'],
    [
      'a tool message without its id',
      { model: 'auto', messages: [...hi, { role: 'tool', content: 'x' }] },
      400,
      'messages[1].tool_call_id',
    ],
    ['temperature out of range', { model: 'auto', messages: hi, temperature: 7 }, 400, 'temperature'],
    ['a string max_tokens', { model: 'auto', messages: hi, max_tokens: 'ten' }, 400, 'max_tokens'],
    ['n = 3', { model: 'auto', messages: hi, n: 3 }, 400, 'n'],
    ['an unknown model_quality', { model: 'auto', messages: hi, model_quality: 'cheapest' }, 400, 'model_quality'],
    ['an unknown model', { model: 'nope/nothing', messages: hi }, 404, 'model'],
    ['an unknown bare model', { model: 'gpt-17', messages: hi }, 404, 'model'],
    ['an unknown provider', { model: 'auto', provider: 'zeta', messages: hi }, 404, 'provider'],
  ])('%s', async (_label, body, status, param) => {
    const res = await post('/v1/chat/completions', body);
    expect(res.status).toBe(status);
    expect(schemaErrors.error(res.json)).toEqual([]);
    expect(res.json.error.param).toBe(param);
    expect(fakes.alpha.requests.length + fakes.beta.requests.length + fakes.gamma.requests.length).toBe(0);
  });

  it('rejects a body that is not JSON with a 400 and no stack trace', async () => {
    const res = await post('/v1/chat/completions', '{"model": "auto", messages: [');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_json');
    expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('rejects a body over the size limit with a 413', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'auto',
      messages: [{ role: 'user', content: 'x'.repeat(11 * 1024 * 1024) }],
    });
    expect(res.status).toBe(413);
    expect(schemaErrors.error(res.json)).toEqual([]);
  });

  it('answers an unknown route with a 404 in OpenAI shape', async () => {
    const res = await post('/v1/audio/speech', { input: 'x' });
    expect(res.status).toBe(404);
    expect(schemaErrors.error(res.json)).toEqual([]);
  });

  it('rejects a run id header with odd characters', async () => {
    const res = await post(
      '/v1/chat/completions',
      { model: 'auto', messages: hi },
      { 'x-switchboard-run-id': 'bad id!' },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('x-switchboard-run-id');
  });

  it('rejects a model that lacks a capability the request needs', async () => {
    const narrow = await startTestGateway({
      providers: [
        {
          id: 'plain',
          protocol: 'openai',
          baseUrl: fakes.alpha.baseUrl,
          apiKeys: ['k'],
          models: [{ id: 'text-only', capabilities: ['chat'] }],
        },
      ],
    });
    try {
      const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
      const pinned = await fetch(`${narrow.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'plain/text-only', messages: hi, tools }),
      });
      expect(pinned.status).toBe(400);
      const auto = await fetch(`${narrow.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: hi, tools }),
      });
      // The same request gets the same status however its model was chosen.
      expect(auto.status).toBe(400);
      const { error } = (await auto.json()) as { error: { message: string; code: string } };
      expect([error.code, error.message]).toEqual(['no_capable_model', expect.stringContaining('lacks tools')]);
    } finally {
      await narrow.close();
    }
  });
});

describe('choosing the model', () => {
  it('keeps a run id the client chose', async () => {
    const res = await post(
      '/v1/chat/completions',
      { model: 'auto', messages: hi },
      { 'x-switchboard-run-id': 'my-run.1' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-run-id')).toBe('my-run.1');
  });

  it('serves a bare model id from the provider that has it, and pins a provider', async () => {
    const bare = await post('/v1/chat/completions', { model: 'gamma-chat', messages: hi });
    expect(bare.headers.get('x-switchboard-model')).toBe('gamma/gamma-chat');
    const pinned = await post('/v1/chat/completions', { model: 'auto', provider: 'beta', messages: hi });
    expect(pinned.headers.get('x-switchboard-provider')).toBe('beta');
    expect(fakes.alpha.requests).toHaveLength(0);
  });

  it("sends the upstream the provider's own model id and key, and none of Switchboard's fields", async () => {
    await post('/v1/chat/completions', {
      model: 'alpha/alpha-chat',
      messages: hi,
      model_quality: 'fastest',
      metadata: { a: 1 },
    });
    const sent = fakes.alpha.requests[0]!;
    expect(sent.body.model).toBe('alpha-chat');
    expect(sent.headers.authorization).toBe('Bearer alpha-key');
    expect(Object.keys(sent.body)).not.toContain('model_quality');
    expect(Object.keys(sent.body)).not.toContain('metadata');
  });
});

describe('POST /v1/contextual_chat/completions', () => {
  it('builds the messages from the prompt, the selection and the active file', async () => {
    fakes.alpha.queue({ type: 'text', text: 'Renamed.' });
    const res = await post('/v1/contextual_chat/completions', {
      model: 'alpha/alpha-chat',
      prompt: 'Rename x to count',
      selected_code: 'let x = 0;',
      active_file: { path: 'src/app.ts', content: 'let x = 0;\nx++;', language: 'typescript' },
    });
    expect(res.status).toBe(200);
    expect(schemaErrors.completion(res.json)).toEqual([]);
    expect(res.json.choices[0].message.content).toBe('Renamed.');
    const [system, user] = fakes.alpha.requests[0]!.body.messages;
    expect(system.role).toBe('system');
    expect(user.content).toContain('src/app.ts');
    expect(user.content).toContain('```typescript\nlet x = 0;\n```');
    expect(user.content).toContain('Rename x to count');
  });

  it('names the missing prompt', async () => {
    const res = await post('/v1/contextual_chat/completions', { selected_code: 'x' });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('prompt');
  });
});

describe('secrets', () => {
  it('never shows the provider key to the client, even when the provider echoes it', async () => {
    fakes.alpha.queue({ type: 'error', status: 400, message: 'Invalid request for key alpha-key-long-secret-1234' });
    const leaky = await startTestGateway({
      providers: [{ ...fakes.providers[0]!, apiKeys: ['alpha-key-long-secret-1234'] }],
    });
    try {
      const res = await fetch(`${leaky.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'alpha/alpha-chat', messages: hi }),
      });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(text).toContain('alph…1234');
      expect(text).not.toContain('alpha-key-long-secret-1234');
    } finally {
      await leaky.close();
    }
  });
});
