// The SQLite schema as forward migrations, versioned by PRAGMA user_version, and the runner that applies them.
//
// Each step runs in its own transaction together with the user_version it brings the database to, so a step is
// applied whole or not at all. Steps are only ever appended: a released step is never edited (a database that ran it
// would not run it again). A database whose version is above the list's length was written by a newer Switchboard.
//
// Tables holding large values (checkpoints, cached responses) are rowid tables with a unique index; rows that are small
// and read by key (windows, locks, events: mostly tokens) are WITHOUT ROWID tables, one b-tree ordered by their key,
// so that an insert writes one b-tree, not two.
import type Database from 'better-sqlite3';

/** One schema step: SQL, or a function for steps that need more than SQL. */
export type Migration = string | ((db: Database.Database) => void);

/** Version 1: every store's tables. */
const V1_STORES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
CREATE INDEX kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE records (collection TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (collection, id));

CREATE TABLE locks (name TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE windows (
  key TEXT NOT NULL, window_ms INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, window_ms, bucket)
) WITHOUT ROWID;
CREATE INDEX windows_expiry ON windows (expires_at);

CREATE TABLE stats (ref TEXT PRIMARY KEY, record TEXT NOT NULL, updated_at INTEGER NOT NULL);

CREATE TABLE usage (
  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, run_id TEXT, provider TEXT NOT NULL, model TEXT NOT NULL,
  key_id TEXT, key_masked TEXT, client_id TEXT, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL, latency_ms REAL NOT NULL, ttft_ms REAL, status TEXT NOT NULL, error TEXT
);
CREATE INDEX usage_ts ON usage (ts);

CREATE TABLE event_runs (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE, thread_id TEXT, expires_at INTEGER);
CREATE INDEX event_runs_thread ON event_runs (thread_id, id) WHERE thread_id IS NOT NULL;
CREATE INDEX event_runs_expiry ON event_runs (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;

CREATE TABLE checkpoints (
  thread_id TEXT NOT NULL, ns TEXT NOT NULL, id TEXT NOT NULL, record BLOB NOT NULL,
  UNIQUE (thread_id, ns, id)
);
CREATE INDEX checkpoints_newest ON checkpoints (id, thread_id, ns);
CREATE TABLE checkpoint_blobs (
  thread_id TEXT NOT NULL, ns TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL, value BLOB NOT NULL,
  UNIQUE (thread_id, ns, channel, version)
);
CREATE TABLE checkpoint_writes (
  thread_id TEXT NOT NULL, ns TEXT NOT NULL, checkpoint_id TEXT NOT NULL, task_id TEXT NOT NULL, idx INTEGER NOT NULL,
  record BLOB NOT NULL,
  UNIQUE (thread_id, ns, checkpoint_id, task_id, idx)
);
CREATE TABLE checkpoint_threads (thread_id TEXT PRIMARY KEY, written_at INTEGER NOT NULL);
CREATE INDEX checkpoint_threads_written ON checkpoint_threads (written_at);
`;

/**
 * Version 2: usage rollups (hourly and daily sums per provider, model, key and client; '' for no key or client, so
 * that the primary key holds), filled from the usage records already there; and the request log, with an index per
 * filter of GET /v1/requests (an index ends with the rowid, so each also serves "newest first" under its filter).
 */
const V2_ROLLUPS_AND_REQUESTS = `
CREATE TABLE usage_rollups (
  unit INTEGER NOT NULL, bucket INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, key_id TEXT NOT NULL,
  client_id TEXT NOT NULL, key_masked TEXT, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, latency_ms REAL NOT NULL,
  ttft_ms REAL NOT NULL, streams INTEGER NOT NULL,
  PRIMARY KEY (unit, bucket, provider, model, key_id, client_id)
) WITHOUT ROWID;
${[3_600_000, 86_400_000]
  .map(
    (unit) => `
INSERT INTO usage_rollups
SELECT ${unit}, ts - ts % ${unit}, provider, model, COALESCE(key_id, ''), COALESCE(client_id, ''), MAX(key_masked),
  COUNT(*), SUM(status = 'error'), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd), SUM(latency_ms),
  SUM(COALESCE(ttft_ms, 0)), COUNT(ttft_ms)
FROM usage GROUP BY 2, 3, 4, 5, 6;`,
  )
  .join('')}

CREATE TABLE requests (
  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, run_id TEXT, route TEXT NOT NULL, client_id TEXT, model_asked TEXT,
  model_used TEXT, provider TEXT, stream INTEGER NOT NULL, status TEXT NOT NULL, http_status INTEGER NOT NULL,
  error TEXT, attempts TEXT NOT NULL, latency_ms REAL NOT NULL, ttft_ms REAL, prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL, cost_usd REAL, cache_hit INTEGER NOT NULL, content TEXT
);
CREATE INDEX requests_ts ON requests (ts);
CREATE INDEX requests_client ON requests (client_id);
CREATE INDEX requests_model ON requests (model_used);
CREATE INDEX requests_provider ON requests (provider);
CREATE INDEX requests_status ON requests (status);
CREATE INDEX requests_http_status ON requests (http_status);
`;

/**
 * Version 3: fewer b-trees per request log row (each one an insert per request, and a delete per request once the
 * table is at its cap). The status and HTTP status indexes hold only the rows a filter on them looks for among many
 * (not `ok`, not 200); a walk newest first finds the common ones at once. The client index leaves out rows without a
 * client (auth off). The ts index goes: the age trim deletes from the oldest rowid up to the first row inside the
 * retention (rows are appended as requests end, so in about ts order), and a list only checks ts on the rows it reads.
 */
const V3_LEANER_REQUEST_INDEXES = `
DROP INDEX requests_ts;
DROP INDEX requests_client;
CREATE INDEX requests_client ON requests (client_id) WHERE client_id IS NOT NULL;
DROP INDEX requests_status;
CREATE INDEX requests_status ON requests (status) WHERE status <> 'ok';
DROP INDEX requests_http_status;
CREATE INDEX requests_http_status ON requests (http_status) WHERE http_status <> 200;
`;

/** The schema steps, in order: step i brings the database from version i to version i + 1. */
export const MIGRATIONS: readonly Migration[] = [V1_STORES, V2_ROLLUPS_AND_REQUESTS, V3_LEANER_REQUEST_INDEXES];

/**
 * Brings `db` to version `migrations.length`, running the steps it lacks in order; a database already there is left
 * as it is. Returns the versions before and after. Throws, changing nothing, for a database of a newer version.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[]): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) {
    throw new Error(
      `its schema is version ${from}, newer than this Switchboard's (${migrations.length}): upgrade Switchboard`,
    );
  }
  for (let version = from; version < migrations.length; version += 1) {
    const step = migrations[version]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      // user_version lives in the database header, written by this transaction: the step and its number go together.
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from, to: Math.max(from, migrations.length) };
}
