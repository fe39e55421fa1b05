// Who the console is signed in as: the key in session storage and what GET /v1/me says of it (admin, a client key,
// or anonymous with auth off). Pages read it with useSession.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { api, storedKey, storeKey } from './client';

/** GET /v1/me. */
export interface Me {
  role: 'admin' | 'client' | 'anonymous';
  auth_required: boolean;
  admin_api: boolean;
  client_key?: { id: string; name: string; models: string[] | null };
}

export interface Session {
  /** Undefined until /v1/me answers (or when it refuses the stored key). */
  me: Me | undefined;
  loading: boolean;
  error: Error | null;
  signedIn: boolean;
  /** Checks `key` with /v1/me and keeps it when the gateway accepts it; throws ApiError otherwise. */
  signIn(key: string): Promise<Me>;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState(storedKey);
  const me = useQuery({
    queryKey: ['me', key ?? null],
    queryFn: () => api<Me>('/v1/me', key === undefined ? {} : { key }),
    retry: false,
    staleTime: 60_000,
  });
  const signIn = useCallback(
    async (candidate: string) => {
      const answer = await api<Me>('/v1/me', { key: candidate });
      if (answer.role === 'anonymous') throw new Error('The gateway does not know this key.');
      storeKey(candidate);
      queryClient.clear();
      setKey(candidate);
      return answer;
    },
    [queryClient],
  );
  const signOut = useCallback(() => {
    storeKey(undefined);
    queryClient.clear();
    setKey(undefined);
  }, [queryClient]);
  const value = useMemo<Session>(
    () => ({
      me: me.data,
      loading: me.isPending,
      error: me.error,
      signedIn: key !== undefined && me.data !== undefined && me.data.role !== 'anonymous',
      signIn,
      signOut,
    }),
    [me.data, me.isPending, me.error, key, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Whether the signed-in caller may use the admin API. */
export function isAdmin(me: Me | undefined): boolean {
  return me?.role === 'admin';
}
