// Talking to the sandbox as one of its people: requests with any token, impersonation headers
// (repeated ones as repeated lines) and a body; exec upgrades over either transport that report
// how they were answered; and the sandbox's audit log, read back.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { withTimeout } from './wait.ts';

export interface Call {
  method?: string;
  /** the bearer token; default the admin's; null for none */
  token?: string | null;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  body: string;
  /** the body as JSON (a Status or an object) */
  json(): Record<string, any>;
}

/** One request, answered or upgraded (an upgraded socket is closed at once). */
/**
 * Header values are given as the bytes to send (a UTF-8 name as Latin-1 characters). Deno's
 * node:https writes the headers of a request with a body as UTF-8 text: there they go as the text
 * those bytes spell, so the same bytes reach the sandbox in both runtimes.
 */
function asSent(headers: OutgoingHttpHeaders, withBody: boolean): OutgoingHttpHeaders {
  if (!withBody || typeof (globalThis as { Deno?: unknown }).Deno === 'undefined') return headers;
  const text = (value: string) => Buffer.from(value, 'latin1').toString('utf8');
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? text(value) : Array.isArray(value) ? value.map(text) : value]));
}

export function send(sandbox: Sandbox, path: string, call: Call, extra: RequestOptions['headers'] = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; upgraded: boolean }> {
  const token = call.token === undefined ? sandbox.token : call.token;
  const { hostname, port } = new URL(sandbox.server);
  return new Promise((resolve, reject) => {
    // host/port/path apart: a URL string would be normalised before sending.
    const req = request({
      hostname,
      port,
      path,
      method: call.method ?? 'GET',
      ca: sandbox.caPem,
      headers: asSent({ ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(extra as OutgoingHttpHeaders), ...(call.headers ?? {}) }, call.body !== undefined),
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, upgraded: false }));
    });
    // Switched: nothing more is wanted from it; closing it ends whatever the sandbox started.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: res.headers, body: '', upgraded: true });
    });
    req.on('error', reject);
    // bytes, so the headers go out as their own Latin-1 bytes (with a string, Node writes them with the body, as UTF-8)
    req.end(call.body === undefined ? undefined : Buffer.from(call.body));
  });
}

/** One request to the sandbox API. */
export async function call(sandbox: Sandbox, path: string, init: Call = {}): Promise<Answer> {
  const { status, body } = await withTimeout(send(sandbox, path, init), 15_000, `${init.method ?? 'GET'} ${path}`);
  return { status, body, json: () => JSON.parse(body) };
}

/** A review object created (POSTed) as JSON, as client-node would send it. */
export function createReview(sandbox: Sandbox, group: string, resource: string, object: unknown, init: Call = {}): Promise<Answer> {
  return call(sandbox, `/apis/${group}/v1/${resource}`, { method: 'POST', body: JSON.stringify(object), ...init, headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
}

/** How an exec upgrade over `transport` is answered: 101 (then closed at once) or a refusal with its Status. */
export async function upgrade(sandbox: Sandbox, path: string, transport: 'websocket' | 'spdy', init: Call = {}): Promise<Answer> {
  const headers =
    transport === 'websocket'
      ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' }
      : { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
  const method = transport === 'websocket' ? 'GET' : 'POST';
  const { status, body } = await withTimeout(send(sandbox, path, { method, ...init }, headers), 15_000, `${transport} upgrade of ${path}`);
  return { status, body, json: () => JSON.parse(body) };
}

/** The audit log's events, oldest first. */
export function auditEvents(sandbox: Sandbox): Record<string, any>[] {
  return readFileSync(sandbox.auditLogPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
