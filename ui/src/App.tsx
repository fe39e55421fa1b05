// The console's routes: sign-in, then every page of pages/index.ts inside the layout.
import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { isAdmin, useSession } from './api/session';
import { ErrorNotice, Loading } from './components/common';
import { Layout } from './components/Layout';
import { SignIn } from './components/SignIn';
import { PAGES } from './pages';

export function App() {
  const { me, loading, error } = useSession();
  if (loading) return <Loading what="the console" />;
  // Auth required and no accepted key: only the sign-in page.
  const mustSignIn = me === undefined || (me.auth_required && me.role === 'anonymous');
  const home = isAdmin(me) || me?.role === 'anonymous' ? '/overview' : '/usage';
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      {mustSignIn ? (
        <Route
          path="*"
          element={
            <>
              {error && (error as { status?: number }).status !== 401 ? <ErrorNotice error={error} /> : null}
              <Navigate to="/sign-in" replace />
            </>
          }
        />
      ) : (
        <Route element={<Layout />}>
          <Route index element={<Navigate to={home} replace />} />
          {PAGES.map(({ path, Component }) => (
            <Route
              key={path}
              path={path}
              element={
                <Suspense fallback={<Loading what="the page" />}>
                  <Component />
                </Suspense>
              }
            />
          ))}
          <Route path="*" element={<Navigate to={home} replace />} />
        </Route>
      )}
    </Routes>
  );
}
