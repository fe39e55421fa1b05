// The request log's filters: status, provider, model, client (the admin only) and how far back, each a select that
// applies at once, and the live toggle.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { isAdmin, useSession } from '../../api/session';
import { type Filters, SINCE, STATUSES } from './request-query';

interface RequestFiltersProps {
  filters: Filters;
  live: boolean;
  onChange(name: keyof Filters | 'live', value: string | undefined): void;
}

export function RequestFilters({ filters, live, onChange }: RequestFiltersProps) {
  const { me } = useSession();
  const admin = isAdmin(me);
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => api<{ data: Array<{ id: string; owned_by: string }> }>('/v1/models'),
    staleTime: 60_000,
  });
  const clients = useQuery({
    queryKey: ['client-keys'],
    queryFn: () => api<{ data: Array<{ id: string; name: string }> }>('/admin/client-keys'),
    enabled: admin,
    staleTime: 60_000,
  });
  const listed = (models.data?.data ?? []).filter((m) => m.id !== 'auto');
  const providers = [...new Set(listed.map((m) => m.owned_by))].sort();
  const select = (name: keyof Filters, label: string, options: Array<{ value: string; label: string }>) => (
    <div>
      <label htmlFor={`requests-${name}`}>{label}</label>
      <select
        id={`requests-${name}`}
        value={filters[name] ?? ''}
        onChange={(e) => onChange(name, e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">Any</option>
        {/* A value from the URL that the lists lack (a model since removed) stays choosable. */}
        {filters[name] !== undefined && !options.some((o) => o.value === filters[name]) ? (
          <option value={filters[name]}>{filters[name]}</option>
        ) : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form className="filters" aria-label="Filter requests" onSubmit={(e) => e.preventDefault()}>
      {select('status', 'Status', [...STATUSES])}
      {select(
        'provider',
        'Provider',
        providers.map((p) => ({ value: p, label: p })),
      )}
      {select(
        'model',
        'Model',
        listed.map((m) => ({ value: m.id, label: m.id })),
      )}
      {admin
        ? select(
            'client',
            'Client key',
            (clients.data?.data ?? []).map((c) => ({ value: c.id, label: c.name })),
          )
        : null}
      {select(
        'since',
        'Time',
        SINCE.map((s) => ({ value: s.id, label: s.label })),
      )}
      <div className="live-toggle">
        <label>
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => onChange('live', e.target.checked ? '1' : undefined)}
          />{' '}
          Live (refresh every 5 s)
        </label>
      </div>
    </form>
  );
}
