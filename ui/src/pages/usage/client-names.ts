// Client keys by name instead of id, for the usage and request pages: the admin reads every key's name, a client key
// knows its own.
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../api/client';
import { isAdmin, useSession } from '../../api/session';

/** A client id as people read it: the key's name, "no client key" for calls made without one. */
export function useClientName(): (id: string | null) => string {
  const { me } = useSession();
  const admin = isAdmin(me);
  const keys = useQuery({
    queryKey: ['client-keys'],
    queryFn: () => api<{ data: Array<{ id: string; name: string }> }>('/admin/client-keys'),
    enabled: admin,
    staleTime: 60_000,
  });
  return useCallback(
    (id: string | null) => {
      if (id === null || id === 'anonymous') return 'no client key';
      if (me?.client_key?.id === id) return me.client_key.name;
      return keys.data?.data.find((key) => key.id === id)?.name ?? id;
    },
    [keys.data, me],
  );
}
