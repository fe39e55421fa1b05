// Pieces every page uses: its header, the empty state that tells a newcomer what to do next, errors, loading, and
// the notice shown where a part needs the admin key.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isAdmin, useSession } from '../api/session';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}

/** What an empty list means and the next step, instead of a blank table. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="notice notice-error">
      {message}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** Shows `children` to the admin; tells anyone else how to get there. */
export function AdminOnly({ children, what }: { children: ReactNode; what: string }) {
  const { me } = useSession();
  if (isAdmin(me)) return <>{children}</>;
  if (me?.admin_api === false)
    return (
      <EmptyState title={`${what} needs the admin API`}>
        <p>
          Start the gateway with <code>SWITCHBOARD_ADMIN_KEY</code> set, then <Link to="/sign-in">sign in</Link> with
          that key.
        </p>
      </EmptyState>
    );
  return (
    <EmptyState title={`${what} is for the operator`}>
      <p>
        <Link to="/sign-in">Sign in with the admin key</Link> (<code>SWITCHBOARD_ADMIN_KEY</code>) to see it.
      </p>
    </EmptyState>
  );
}

/** A small coloured label for a state: ok (green), warn (amber), bad (red), or neutral. */
export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'neutral'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
