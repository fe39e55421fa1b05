// The catalog's changes on the event bus: one `catalog_changed` event per sync (or shutdown day) that changed
// something, in a run of its own under the catalog's thread, so /v1/ws clients (on any instance, through the event
// log's Redis transport) follow them with `{"type":"subscribe","topic":"catalog"}`.
import { randomUUID } from 'node:crypto';
import type { CatalogChange } from '../../catalog/discovery/sync.js';
import type { EventBus } from '../../events/publisher.js';
import { CATALOG_THREAD_ID } from '../../events/types.js';

/** Publishes `changes` as one event; nothing when there are none. No `client` on it: only admins see it once auth is on. */
export function publishCatalogChanges(bus: EventBus, changes: CatalogChange[], now: number): void {
  if (changes.length === 0) return;
  bus.publish({
    // A run of one event: each instance's syncs number nothing shared, so no two instances contend for a seq.
    run_id: `${CATALOG_THREAD_ID}-${randomUUID()}`,
    thread_id: CATALOG_THREAD_ID,
    seq: 1,
    type: 'catalog_changed',
    ts: now,
    data: { changes: changes.map((change) => ({ ...change })) },
  });
}
