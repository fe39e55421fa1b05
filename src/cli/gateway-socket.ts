// The CLI's WebSocket into a running gateway (/v1/ws): the same address, key and one-line errors as gateway-client.
import WebSocket from 'ws';
import type { ServerMessage } from '../server/ws/protocol.js';
import { gatewayBase, keyFor, refused, unreachable, type GatewayOptions } from './gateway-client.js';

/**
 * Opens /v1/ws with the client key (else the admin key, which sees every run) and resolves once it is open. A refused
 * upgrade rejects with the gateway's message (exit 77 for a missing or wrong key), no gateway with exit 69.
 */
export function openGatewaySocket(options: GatewayOptions): Promise<WebSocket> {
  const base = gatewayBase(options);
  const key = keyFor(options, 'any');
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/ws`, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      // An error once open (a reset connection) is followed by 'close', which the caller handles.
      ws.on('error', () => undefined);
      resolve(ws);
    });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => void (body += chunk.toString()));
      res.on('end', () => {
        req.destroy();
        reject(refused(res.statusCode ?? 500, body));
      });
    });
    ws.once('error', () => reject(unreachable(base)));
  });
}

/** Reads a server frame; undefined for one that is not JSON (the protocol sends none). */
export function parseServerMessage(data: WebSocket.RawData): ServerMessage | undefined {
  try {
    return JSON.parse(data.toString()) as ServerMessage;
  } catch {
    return undefined;
  }
}
