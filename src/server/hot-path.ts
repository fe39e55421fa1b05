// The lean door (issue 20): POST to the request doors (chat completions, Responses, Messages, embeddings) runs the same
// front middleware, handler and error handlers as the express app, in the same order, without express's app and
// router in front of them; every other request goes to the express app, which serves it as before.
import { IncomingMessage, ServerResponse, type RequestListener, type ServerOptions } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';
import { frontMiddleware } from './front.js';
import { leanJson } from './lean-json.js';
import { errorHandler, unknownRoute } from './middleware/errors.js';
import { chatDoor } from './routes/chat.js';
import { embeddingsDoor } from './routes/embeddings.js';
import { messagesDoor, messagesErrors } from './routes/messages.js';
import { responsesDoor } from './routes/responses.js';

/** One door: its route (the metrics label reads `req.route.path`), its steps in order, and its error handlers. */
interface Door {
  route: { path: string };
  steps: RequestHandler[];
  errors: ErrorRequestHandler[];
}

/** What `http.createServer(options, listener)` needs to serve the gateway. */
export interface GatewayListener {
  options: ServerOptions;
  listener: RequestListener;
}

/**
 * The gateway's HTTP listener: the express app of `deps` (createApp), with the lean door in front of its request
 * doors. `options` makes node build requests and responses that already carry express's methods, so that neither
 * path swaps an object's prototype per request (which makes V8 drop what it learned of the object's shape).
 */
export function createGatewayListener(deps: AppDeps): GatewayListener {
  const app = createApp(deps);
  const front = frontMiddleware(deps);
  const errors = [errorHandler(deps.logger)];
  // The ordinary JSON body is read without body-parser; any other goes to it (lean-json.ts).
  const json = leanJson(deps.config.server.bodyLimit, front.json);
  const door = (path: string, handler: RequestHandler, ownErrors: ErrorRequestHandler[] = []): [string, Door] => [
    path,
    { route: { path }, steps: [front.metrics, front.auth, json, handler], errors: [...ownErrors, ...errors] },
  ];
  const doors = new Map<string, Door>([
    door('/v1/chat/completions', chatDoor(deps)),
    door('/v1/responses', responsesDoor(deps)),
    door('/v1/messages', messagesDoor(deps), [messagesErrors(deps.logger)]),
    door('/v1/embeddings', embeddingsDoor(deps)),
  ]);
  const listener: RequestListener = (req, res) => {
    const door = req.method === 'POST' ? doors.get(pathOf(req.url)) : undefined;
    if (door === undefined) app(req, res);
    else runDoor(door, enter(req, res));
  };
  return { options: expressClasses(app), listener };
}

/** The path of a request URL, without its query. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** What express's app and router set on a request before its route runs (express 5, app.handle and router). */
function enter(req: IncomingMessage, res: ServerResponse): [Request, Response] {
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  response.locals = Object.create(null) as Response['locals'];
  request.originalUrl = req.url ?? '';
  request.baseUrl = '';
  request.params = {};
  return [request, response];
}

/**
 * Runs a door's steps in order as express's router would: `next()` goes on, `next(err)`, a throw or a rejected promise
 * goes to the error handlers in order. The route is set when its handler is reached, as the router does (errors
 * before it are counted as `unmatched`).
 */
function runDoor(door: Door, [req, res]: [Request, Response]): void {
  let step = 0;
  let handler = 0;
  const fail = (err: unknown): void => {
    const onError = door.errors[handler++];
    if (onError === undefined) {
      res.destroy();
      return;
    }
    try {
      onError(err, req, res, (next?: unknown) => fail(next ?? err));
    } catch (thrown) {
      fail(thrown);
    }
  };
  const next = (err?: unknown): void => {
    if (err !== undefined && err !== null && err !== 'route' && err !== 'router') {
      fail(err);
      return;
    }
    const run = door.steps[step++];
    // A handler that passes the request on: nothing else serves this path, as express would find.
    if (run === undefined) {
      unknownRoute(req, res, fail);
      return;
    }
    if (step === door.steps.length) (req as { route?: unknown }).route = door.route;
    try {
      const done: unknown = run(req, res, next);
      if (done instanceof Promise)
        done.then(undefined, (reason: unknown) => next(reason ?? new Error('Rejected promise')));
    } catch (thrown) {
      next(thrown);
    }
  };
  next();
}

/**
 * Request and response classes whose prototypes carry express's request and response methods for `app` (req.get,
 * res.json, …), so the lean door's objects are express's from birth. Express still sets its own prototype on the
 * requests it serves, with the same methods.
 */
function expressClasses(app: Express): ServerOptions {
  class GatewayRequest extends IncomingMessage {}
  class GatewayResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {}
  copyInto(GatewayRequest.prototype, app.request);
  copyInto(GatewayResponse.prototype, app.response);
  return { IncomingMessage: GatewayRequest, ServerResponse: GatewayResponse };
}

/** Defines on `target` the properties of `source` and of its prototype (express's methods), `source`'s winning. */
function copyInto(target: object, source: object): void {
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(Object.getPrototypeOf(source) as object));
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(source));
}
