// The config file behind the running settings: which file, how to change it, and what its last reload did (applied,
// waiting for a restart, or refused with the reason while the running config stays).
import { Badge } from '../../components/common';
import { formatRelative, formatTime } from '../../format';
import type { SettingsView } from './api';

const TRIGGER = { file: 'the file changed', signal: 'SIGHUP' } as const;

export function ConfigFile({ view }: { view: SettingsView }) {
  const { file, lastReload, restartNeeded } = view;
  return (
    <section className="card" aria-labelledby="config-file">
      <h2 id="config-file">Config file</h2>
      {file === null ? (
        <p>
          None: the gateway runs on the built-in defaults, the environment and the command line. Write a{' '}
          <code>switchboard.yaml</code> (or start with <code>--config FILE</code>) to set more; see docs/CONFIG.md.
        </p>
      ) : (
        <p>
          <code>{file}</code> is read again when it changes and on <code>SIGHUP</code>; an edit that does not validate
          is refused and the running config kept.
        </p>
      )}
      {lastReload === null ? (
        file === null ? null : (
          <p className="hint">Not changed since the gateway started.</p>
        )
      ) : (
        <div
          role={lastReload.ok ? 'status' : 'alert'}
          className={lastReload.ok ? 'notice notice-ok' : 'notice notice-error'}
          title={formatTime(lastReload.at)}
        >
          <Badge tone={lastReload.ok ? 'ok' : 'bad'}>{lastReload.ok ? 'applied' : 'refused'}</Badge> Last read{' '}
          {formatRelative(lastReload.at)} ({TRIGGER[lastReload.trigger]}):{' '}
          {lastReload.ok
            ? lastReload.applied.length === 0
              ? 'nothing changed.'
              : `applied ${lastReload.applied.join(', ')}.`
            : `${lastReload.error ?? 'it did not validate'}. The running config is kept.`}
        </div>
      )}
      {restartNeeded.length > 0 ? (
        <div className="notice notice-warn">
          Changed in the file, applied after a restart: {restartNeeded.map((path) => path).join(', ')}.
        </div>
      ) : null}
    </section>
  );
}
