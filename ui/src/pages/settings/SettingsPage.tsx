// The Settings page (admin): every running setting with its value and where it comes from (default, config file,
// environment, flag or console), whether a change applies live, and the config file's last reload.
import { Link } from 'react-router';
import { AdminOnly, Badge, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { SourceBadge } from '../routing/SourceBadge';
import { useSettings } from './api';
import { ConfigFile } from './ConfigFile';

/** A value as short JSON; long ones (rule lists) are cut, the whole is in the cell's title. */
function shown(value: unknown): { text: string; full: string } {
  const full = JSON.stringify(value) ?? 'unset';
  return { text: full.length > 80 ? `${full.slice(0, 77)}…` : full, full };
}

function Settings() {
  const settings = useSettings();
  if (settings.isPending) return <Loading what="the settings" />;
  if (settings.error) return <ErrorNotice error={settings.error} />;
  const view = settings.data;
  return (
    <>
      <ConfigFile view={view} />
      <section className="card" aria-labelledby="running-settings">
        <h2 id="running-settings">Running settings</h2>
        <p className="hint">
          A value set in the console wins over the command line, which wins over the environment, then the file, then
          the default. The console sets the routing mode and rules (<Link to="/routing">Routing</Link>) and switches
          providers and models (<Link to="/models">Models</Link>).
        </p>
        <div className="table-scroll">
          <table className="settings-table">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">Value</th>
                <th scope="col">Where it comes from</th>
                <th scope="col">A change</th>
              </tr>
            </thead>
            <tbody>
              {view.values.map((value) => {
                const { text, full } = shown(value.value);
                return (
                  <tr key={value.path} data-setting={value.path}>
                    <th scope="row">
                      <code>{value.path}</code>
                    </th>
                    <td title={full}>
                      <code>{text}</code>
                      {value.pending === undefined ? null : (
                        <div className="hint">after a restart: {shown(value.pending).text}</div>
                      )}
                    </td>
                    <td>
                      <SourceBadge value={value} />
                    </td>
                    <td>
                      {value.live ? (
                        <Badge tone="ok">applies live</Badge>
                      ) : (
                        <Badge tone="neutral">needs a restart</Badge>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" />
      <AdminOnly what="Settings">
        <Settings />
      </AdminOnly>
    </>
  );
}
