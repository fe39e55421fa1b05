// Response and item ids: an output item's id carries its response's, so an `item_reference` finds the response.
import { randomUUID } from 'node:crypto';

const ITEM_ID = /^(?:msg|fc)_([0-9a-f]{32})_\d{1,4}$/;

/** A new response id: `resp_` and 32 hex digits. */
export function newResponseId(): string {
  return `resp_${randomUUID().replaceAll('-', '')}`;
}

/** The id of output item `index` of response `responseId`: `msg_…` for a message, `fc_…` for a function call. */
export function itemId(responseId: string, kind: 'msg' | 'fc', index: number): string {
  return `${kind}_${responseId.slice('resp_'.length)}_${index}`;
}

/** The response an item id of ours belongs to, or undefined for any other id. */
export function responseOfItem(id: string): string | undefined {
  const hex = ITEM_ID.exec(id)?.[1];
  return hex === undefined ? undefined : `resp_${hex}`;
}
