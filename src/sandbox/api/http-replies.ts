// Writing answers: JSON bodies on ordinary requests, and whole HTTP responses on a raw socket
// for upgrade requests that are refused before any protocol switch.
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StatusError } from './kube-status.ts';
import type { KubeStatus } from '../transports/exec-channels.ts';

// The Status each refusal carried, for the audit record of its request.
const statusesSent = new WeakMap<ServerResponse | Duplex, KubeStatus>();

/** The Status this response or upgrade socket was refused with, if it was. */
export function statusSentOn(target: ServerResponse | Duplex): KubeStatus | undefined {
  return statusesSent.get(target);
}

const COMMON_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { ...COMMON_HEADERS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, error: StatusError): void {
  statusesSent.set(res, error.status);
  sendJson(res, error.code, error.status);
}

/** Refusal of an upgrade: a plain HTTP response, then the socket is closed. */
export function refuseUpgrade(socket: Duplex, code: number, body: string, contentType = 'application/json'): void {
  const head = [
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}

export function refuseUpgradeWithStatus(socket: Duplex, error: StatusError): void {
  statusesSent.set(socket, error.status);
  refuseUpgrade(socket, error.code, JSON.stringify(error.status));
}
