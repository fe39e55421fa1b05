// @vitest-environment jsdom
// The rules editor: the gateway's refusal shows its message and the field it names; text that is not a list of
// rules is refused before anything is sent; a valid edit is sent as a list.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SettingValue } from './api';
import { RulesEditor } from './RulesEditor';

const running: SettingValue = {
  path: 'routing.rules',
  value: [{ name: 'code', when: { task: ['code'] }, mode: 'best_quality' }],
  source: 'file',
  live: true,
  editable: true,
  base: [],
};

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function renderEditor() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RulesEditor value={running} />
    </QueryClientProvider>,
  );
}

describe('RulesEditor', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the running rules as YAML', () => {
    renderEditor();
    const text = (screen.getByRole('textbox', { name: /^Rules \(/ }) as HTMLTextAreaElement).value;
    expect(text).toContain('- name: code');
    expect(text).toContain('mode: best_quality');
  });

  it("shows the gateway's message and the field it names when it refuses the rules", async () => {
    const fetch = vi.fn(async () =>
      answer(400, {
        error: {
          message: "Invalid value for 'routing.rules[0].when.task[0]': Invalid option",
          type: 'invalid_request_error',
          param: 'routing.rules[0].when.task[0]',
          code: null,
        },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    renderEditor();
    const box = screen.getByRole('textbox', { name: /^Rules \(/ });
    await userEvent.clear(box);
    await userEvent.paste('- name: bad\n  when: { task: [cooking] }');
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain("Invalid value for 'routing.rules[0].when.task[0]'");
    expect(alert.querySelector('code')?.textContent).toBe('routing.rules[0].when.task[0]');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/admin/settings');
    expect(init.method).toBe('PATCH');
    expect(JSON.parse(init.body as string)).toEqual({
      routing: { rules: [{ name: 'bad', when: { task: ['cooking'] } }] },
    });
  });

  it('refuses text that is not a list of rules without calling the gateway', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderEditor();
    await userEvent.selectOptions(screen.getByLabelText('Format'), 'json');
    const box = screen.getByRole('textbox', { name: /^Rules \(/ });
    await userEvent.clear(box);
    await userEvent.type(box, '{{"name": "x"}');
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The rules must be a list (one item per rule).');
    await userEvent.type(box, ',');
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Not valid JSON/);
    expect(fetch).not.toHaveBeenCalled();
  });
});
