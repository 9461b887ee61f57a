// How the server answers: JSON bodies with the security headers, errors as {error: {status,
// message}} with a sentence a user can act on, never a stack trace.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/** An error the API answers with its own status and sentence. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, status, { error: { status, message } });
}

/**
 * Refuse a socket upgrade with a plain HTTP answer, then let the connection go once it is written:
 * an upgraded connection is out of reach of the server's timeouts, so a client that never closed
 * its side would hold it (a file descriptor, and server.close()) for good, one per try, with no
 * credentials needed.
 */
export function refuseUpgrade(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { status, message } });
  // a refusal's own headers (Retry-After on a 429), each a name and a value without line breaks: ours, never a client's
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nConnection: close\r\n' +
      extra +
      '\r\n' +
      body,
  );
}
