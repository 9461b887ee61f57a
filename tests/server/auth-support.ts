// Helpers for the sign-in tests: raw HTTP calls with any headers and from any local address (a
// trusted proxy is 127.0.0.2, anyone else 127.0.0.1), a cookie jar, and a socket upgrade that
// reports its status.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '../../src/server/auth/authenticator.ts';
import WebSocket from 'ws';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
  /** Set-Cookie lines */
  cookies: string[];
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** the address the connection comes from (any 127.x works on Linux) */
  from?: string;
}

export function send(port: number, path: string, options: SendOptions = {}): Promise<Answer> {
  const headers = { Host: `127.0.0.1:${port}`, ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'), headers, ...(options.from ? { localAddress: options.from } : {}) });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const cookies = res.headers['set-cookie'] ?? [];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json, cookies });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as we reused it (its keep-alive timer, run late by
      // a busy loop, fired before it read our request): nothing was answered, so ask again on a new
      // one, as browsers do.
      if (req.reusedSocket && error.code === 'ECONNRESET') send(port, path, options).then(resolve, reject);
      else reject(error);
    });
    req.end(options.body);
  });
}

/** The cookies a browser would keep, by name (paths ignored: every test path is under them). */
export class Jar {
  readonly #cookies = new Map<string, string>();

  take(setCookies: readonly string[] | string | undefined): this {
    for (const line of typeof setCookies === 'string' ? [setCookies] : (setCookies ?? [])) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A socket upgrade to the terminal socket: 101 (closed again at once unless kept), or the refusal's status and body. */
export function upgrade(port: number, headers: Record<string, string>, options: { from?: string; keep?: boolean } = {}): Promise<{ status: number; body: string; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream`, { headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, ...headers }, ...(options.from ? { localAddress: options.from } : {}) });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      if (!options.keep) ws.close();
      resolve({ status: 101, body: '', ...(options.keep ? { ws } : {}) });
    });
    ws.on('error', () => {});
  });
}

/** The hidden inputs and the action of the first form in an HTML page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in: ${html.slice(0, 300)}`);
  const action = /action="([^"]*)"/i.exec(form[0])?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    const value = /value="([^"]*)"/i.exec(input[0])?.[1] ?? '';
    if (name && /type="hidden"/i.test(input[0])) fields[name] = unescapeHtml(value);
  }
  return { action: unescapeHtml(action), fields };
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code) => String.fromCharCode(Number(code))).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** A bare HTTP server around one Authenticator: its routes, else who the caller is. */
export async function around(auth: Authenticator): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    if (await auth.route(req, res, new URL(req.url ?? '/', 'http://x'))) return;
    const verdict = auth.identify(req);
    res.writeHead('caller' in verdict ? 200 : verdict.refused.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify('caller' in verdict ? verdict.caller : verdict.refused));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
