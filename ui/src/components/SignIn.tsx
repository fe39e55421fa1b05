// Sign-in with the admin key or a client key; the key is kept in session storage (see api/client.ts).
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../api/session';
import { ErrorNotice, PageHeader } from './common';

export function SignIn() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(key.trim());
      navigate(me.role === 'admin' ? '/overview' : '/usage');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sign-in">
      <PageHeader title="Sign in" />
      <form onSubmit={submit} className="card form">
        <label htmlFor="key">Admin key or client key</label>
        <input
          id="key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="SWITCHBOARD_ADMIN_KEY or sk-sb-…"
          required
        />
        <p className="hint">
          The admin key shows everything; a client key shows its own usage, requests and runs, and the playground. The
          key stays in this tab only.
        </p>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
