// The console's frame: navigation (the pages the signed-in caller may use), who is signed in, and the banner that
// says when the gateway runs with auth off.
import { NavLink, Outlet } from 'react-router';
import { isAdmin, useSession } from '../api/session';
import { PAGES } from '../pages';

export function Layout() {
  const { me, signedIn, signOut } = useSession();
  const admin = isAdmin(me);
  const pages = PAGES.filter((page) => page.nav && (admin || !page.adminOnly));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Console">
        <div className="brand">Switchboard</div>
        <ul>
          {pages.map((page) => (
            <li key={page.path}>
              <NavLink to={page.path}>{page.title}</NavLink>
            </li>
          ))}
        </ul>
        <div className="who">
          {signedIn ? (
            <>
              <span>{me?.role === 'admin' ? 'Admin' : `Client key ${me?.client_key?.name ?? ''}`}</span>
              <button type="button" className="link-button" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <NavLink to="/sign-in">Sign in</NavLink>
          )}
        </div>
      </nav>
      <div className="content">
        {me !== undefined && !me.auth_required ? (
          <div className="notice notice-warn" role="status">
            Auth is off: anyone who can reach this gateway can use it. Create a client key (Keys) to turn it on.
          </div>
        ) : null}
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
