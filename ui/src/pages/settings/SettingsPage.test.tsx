// @vitest-environment jsdom
// The Settings page: each running value with where it comes from and whether a change applies live; a refused reload
// of the config file is shown with its reason; a client key is told to sign in as admin.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithGateway, stubGateway } from '../keys/testing';
import type { SettingsView } from './api';
import SettingsPage from './SettingsPage';

const NOW = Date.now();

function view(extra: Partial<SettingsView> = {}): SettingsView {
  return {
    file: '/srv/switchboard.yaml',
    lastReload: null,
    restartNeeded: [],
    values: [
      { path: 'server.port', value: 8000, source: 'env', live: false, editable: false },
      {
        path: 'routing.defaultMode',
        value: 'fastest',
        source: 'console',
        live: true,
        editable: true,
        base: 'balanced',
      },
      { path: 'timeouts.idleMs', value: 30_000, source: 'file', live: true, editable: false },
    ],
    ...extra,
  };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('SettingsPage', () => {
  it('shows each value, where it comes from and whether a change applies live', async () => {
    stubGateway({ 'GET /admin/settings': view() });
    const { container } = renderWithGateway(<SettingsPage />);
    await screen.findByText('server.port');
    const row = (path: string) => container.querySelector(`tr[data-setting="${path}"]`) as HTMLElement;
    expect(row('server.port').textContent).toContain('from environment');
    expect(row('server.port').textContent).toContain('needs a restart');
    expect(row('routing.defaultMode').textContent).toContain('"fastest"');
    expect(row('routing.defaultMode').textContent).toContain('from console');
    expect(row('timeouts.idleMs').textContent).toContain('from config file');
    expect(row('timeouts.idleMs').textContent).toContain('applies live');
    expect(screen.getByText('/srv/switchboard.yaml')).toBeTruthy();
    expect(screen.getByText('Not changed since the gateway started.')).toBeTruthy();
  });

  it('shows a refused reload with its reason, and what waits for a restart', async () => {
    stubGateway({
      'GET /admin/settings': view({
        lastReload: {
          at: NOW - 120_000,
          trigger: 'signal',
          ok: false,
          error: 'routing.maxAttempts: must be at least 1',
          applied: [],
          restartNeeded: [],
        },
        restartNeeded: ['server.port'],
      }),
    });
    renderWithGateway(<SettingsPage />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('refused');
    expect(alert.textContent).toContain('SIGHUP');
    expect(alert.textContent).toContain('routing.maxAttempts: must be at least 1');
    expect(alert.textContent).toContain('running config is kept');
    expect(screen.getByText(/applied after a restart: server\.port/)).toBeTruthy();
  });

  it('says when there is no config file, and lists an applied reload', async () => {
    stubGateway({
      'GET /admin/settings': view({
        file: null,
        lastReload: { at: NOW, trigger: 'file', ok: true, applied: ['timeouts.idleMs'], restartNeeded: [] },
      }),
    });
    renderWithGateway(<SettingsPage />);
    const status = await screen.findByRole('status');
    expect(within(status).getByText('applied')).toBeTruthy();
    expect(status.textContent).toContain('applied timeouts.idleMs');
    expect(screen.getByText(/None: the gateway runs on the built-in defaults/)).toBeTruthy();
  });

  it('tells a client key that the settings are for the operator', async () => {
    const seen = stubGateway({
      'GET /v1/me': { role: 'client', auth_required: true, admin_api: true, client_key: { id: 'c1', name: 'ci' } },
    });
    renderWithGateway(<SettingsPage />);
    await screen.findByText('Settings is for the operator');
    expect(seen.some((call) => call.path === '/admin/settings')).toBe(false);
  });
});
