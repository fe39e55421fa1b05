// The client keys half of the Keys page: every key with its limits and its usage over the last day and month, revoke,
// and the form to create one; with none, what that means for auth.
import { EmptyState, ErrorNotice, Loading } from '../../components/common';
import { useSession } from '../../api/session';
import { formatCompact, formatInt, formatUsd } from '../../format';
import { type ClientKey, type ClientUsage, useClientKeys, useClientUsage, useRevokeClientKey } from './api';
import { ConfirmButton } from './ConfirmButton';
import { CreateClientKeyForm } from './CreateClientKeyForm';

export function ClientKeysSection() {
  const keys = useClientKeys();
  const day = useClientUsage(24);
  const month = useClientUsage(24 * 30);
  return (
    <section aria-labelledby="client-keys">
      <h2 id="client-keys">Client keys</h2>
      <p className="hint">The keys your apps call Switchboard with, each with its own models and limits.</p>
      <ErrorNotice error={keys.error ?? day.error ?? month.error} />
      {keys.isPending ? <Loading what="the client keys" /> : null}
      {keys.data?.length === 0 ? <NoClientKeys /> : null}
      {keys.data && keys.data.length > 0 ? (
        <div className="card table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Models</th>
                <th scope="col">Limits</th>
                <th scope="col">Last 24 hours</th>
                <th scope="col">Last 30 days</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <ClientKeyRow
                  key={key.id}
                  clientKey={key}
                  day={day.data?.get(key.id)}
                  month={month.data?.get(key.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CreateClientKeyForm />
    </section>
  );
}

function ClientKeyRow({
  clientKey: key,
  day,
  month,
}: {
  clientKey: ClientKey;
  day?: ClientUsage;
  month?: ClientUsage;
}) {
  const revoke = useRevokeClientKey();
  return (
    <tr>
      <td>
        <strong>{key.name}</strong>
        <div className="hint">
          <code>{key.id}</code>, created {new Date(key.created * 1000).toLocaleDateString()}
        </div>
      </td>
      <td>{key.models === null ? 'every model' : key.models.join(', ')}</td>
      <td>
        {key.rpm === null ? 'no rpm limit' : `${formatInt(key.rpm)} per minute`}
        <br />
        {key.dailyTokens === null ? 'no daily token limit' : `${formatCompact(key.dailyTokens)} tokens a day`}
      </td>
      <td>
        <Usage usage={day} />
      </td>
      <td>
        <Usage usage={month} />
      </td>
      <td>
        <ConfirmButton
          label="Revoke"
          question={`Revoke ${key.name}? Clients using it are refused at once.`}
          confirm="Yes, revoke"
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(key.id)}
        />
        <ErrorNotice error={revoke.error} />
      </td>
    </tr>
  );
}

function Usage({ usage }: { usage: ClientUsage | undefined }) {
  if (usage === undefined) return <span className="hint">no calls</span>;
  return (
    <>
      {formatInt(usage.requests)} {usage.requests === 1 ? 'call' : 'calls'}
      <br />
      {formatCompact(usage.total_tokens)} tokens, {formatUsd(usage.cost_usd)}
    </>
  );
}

function NoClientKeys() {
  const { me } = useSession();
  return (
    <EmptyState title="No client keys yet">
      {me?.auth_required ? (
        <p>
          Auth is required (<code>SWITCHBOARD_REQUIRE_AUTH=1</code>) and no client key exists, so only the admin key can
          call the gateway. Create a key for each app below.
        </p>
      ) : (
        <p>
          Auth is off until one exists: anyone who can reach this gateway can use it. Create a key for each app below;
          from the first one on, every call to <code>/v1</code> needs a key.
        </p>
      )}
    </EmptyState>
  );
}
