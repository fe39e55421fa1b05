// The request log: one row per request of the chat and agent routes, built once when its response closes, then
// both stored (GET /v1/requests) and written as one structured log line; a warn line for every failed upstream call.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { RequestLogStore, UsageRecord } from '../../storage/types.js';
import { callerOf } from '../middleware/client-auth.js';
import { createCallCollector } from './calls.js';
import { type ContentLogging, logsContent } from './content.js';
import { type RequestTrack, trackRequest } from './track.js';
import { requestView } from './view.js';

export type { RequestTrack } from './track.js';

/** What createRequestLog needs. */
export interface RequestLogOptions {
  store: RequestLogStore;
  logger: Logger;
  /** `logging.content` and `logging.contentMaxChars` of the config. */
  content: ContentLogging;
  /** The clock of the rows' `ts` (tests inject one). */
  now?: () => number;
}

/** The request log as the routes and the composition root use it. */
export interface RequestLog {
  /**
   * Every upstream call's usage record (wire it to the accounts layer's onCall): a warn line when the call failed
   * (never for a client that went away), and the call joins the row of the request whose run made it.
   */
  noteCall(record: UsageRecord): void;
  /** Starts following a request of `route` (`chat`, `contextual_chat`, `messages`, `agent`); its row is written when it closes. */
  begin(req: Request, res: Response, route: string): RequestTrack;
}

/**
 * Creates the request log over `store`. The row is logged at info as `request` with the fields of GET
 * /v1/requests; prompt and answer appear (in the row and the line) only with content logging on and no opt-out.
 */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const calls = createCallCollector();
  return {
    noteCall(record) {
      calls.note(record);
      if (record.status !== 'error' || record.error === 'aborted') return;
      const { runId, provider, model, keyId, clientId, latencyMs } = record;
      logger.warn(
        {
          run_id: runId ?? null,
          provider,
          model,
          key_id: keyId ?? null,
          client: clientId ?? null,
          kind: record.error ?? 'error',
          ms: Math.round(latencyMs),
        },
        'upstream attempt failed',
      );
    },
    begin(req, res, route) {
      const caller = callerOf(res);
      return trackRequest(req, res, caller.kind === 'client' ? caller.client.id : undefined, {
        route,
        logsContent: logsContent(options.content, req),
        maxChars: options.content.maxChars,
        openRun: (runId) => calls.open(runId),
        closeRun: (runId) => calls.close(runId),
        done(record) {
          store.append(record);
          // The view is built for the line only: not at all when the level leaves the line out.
          if (logger.isLevelEnabled('info')) logger.info(requestView(record), 'request');
        },
        now,
      });
    },
  };
}
