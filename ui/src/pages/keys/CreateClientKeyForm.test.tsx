// @vitest-environment jsdom
// Creating a client key: name, chosen models (a whole provider or single models) and limits sent as the admin API
// wants them; the key shown once with a copy button and gone when dismissed; a refusal shown with its message.
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateClientKeyForm } from './CreateClientKeyForm';
import { renderWithGateway, stubGateway } from './testing';

const NEW_KEY = 'sk-sb-0123456789abcdef0123456789abcdef';
const MODELS = {
  object: 'list',
  data: ['auto', 'groq/llama-4', 'groq/qwen-3', 'mistral/small'].map((id) => ({ id, object: 'model' })),
};
const created = (sent: unknown) => {
  const body = sent as { name: string; models?: string[]; rpm?: number; dailyTokens?: number };
  return [
    201,
    {
      id: 'ck_1',
      object: 'client_key',
      name: body.name,
      models: body.models ?? null,
      rpm: body.rpm ?? null,
      dailyTokens: body.dailyTokens ?? null,
      created: 1_800_000_000,
      key: NEW_KEY,
    },
  ] as [number, unknown];
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('CreateClientKeyForm', () => {
  it('sends the name, the chosen models and the limits, then shows the key once', async () => {
    const seen = stubGateway({ 'GET /v1/models': MODELS, 'POST /admin/client-keys': ({ body }) => created(body) });
    renderWithGateway(<CreateClientKeyForm />);
    await userEvent.type(screen.getByLabelText('Name'), ' ci ');
    await userEvent.click(screen.getByLabelText('Only the models chosen below'));
    expect(screen.getByRole('button', { name: 'Create key' })).toHaveProperty('disabled', true);
    // `auto` is not a model to allow: it routes among the allowed ones.
    expect(screen.queryByLabelText('auto')).toBeNull();
    await userEvent.click(await screen.findByLabelText(/every groq model/));
    expect(screen.getByLabelText('groq/qwen-3')).toHaveProperty('disabled', true);
    await userEvent.click(screen.getByLabelText('mistral/small'));
    await userEvent.type(screen.getByLabelText('Requests per minute'), '30');
    await userEvent.type(screen.getByLabelText('Tokens per day'), '500000');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));

    expect(await screen.findByText('you will not see it again.')).toBeTruthy();
    expect((screen.getByLabelText('The new key') as HTMLInputElement).value).toBe(NEW_KEY);
    expect(seen.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'ci',
      models: ['groq/*', 'mistral/small'],
      rpm: 30,
      dailyTokens: 500000,
    });

    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(NEW_KEY);
    expect(screen.getByRole('status').textContent).toBe('Copied to the clipboard.');

    await userEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(document.body.innerHTML).not.toContain(NEW_KEY);
    // The form is back, empty, for the next key.
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');
  });

  it('sends no models nor limits for a key that may use every model without limits', async () => {
    const seen = stubGateway({ 'GET /v1/models': MODELS, 'POST /admin/client-keys': ({ body }) => created(body) });
    renderWithGateway(<CreateClientKeyForm />);
    await userEvent.type(screen.getByLabelText('Name'), 'laptop');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByLabelText('The new key');
    expect(seen.find((c) => c.method === 'POST')?.body).toEqual({ name: 'laptop' });
  });

  it("shows the gateway's refusal and keeps what was typed", async () => {
    stubGateway({
      'GET /v1/models': MODELS,
      'POST /admin/client-keys': () => [400, { error: { message: "Invalid value for 'rpm': too big", param: 'rpm' } }],
    });
    renderWithGateway(<CreateClientKeyForm />);
    await userEvent.type(screen.getByLabelText('Name'), 'bot');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByRole('alert')).textContent).toBe("Invalid value for 'rpm': too big");
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('bot');
    expect(screen.queryByLabelText('The new key')).toBeNull();
  });
});
