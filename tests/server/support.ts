// Test helpers for the server: start it in-process against a fresh sandbox, call its API with
// any Host/Origin/credentials, and a socket client that speaks the stream protocol.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startOctantExec, type OctantExecOptions, type RunningApp } from '../../src/server/app.ts';
import { FrameKind, decodeFrame, encodeFrame } from '../../src/protocol/frames.ts';
import type { ServerMessage, SessionRow, SessionsReply } from '../../src/protocol/index.ts';
import { waitFor } from '../support/wait.ts';
import { send } from './auth-support.ts';


export interface TestApp extends RunningApp {
  dir: string;
  origin: string;
  host: string;
}

/** A server on a free port with the sandbox (a pod starts at its first exec: a file uses one or two), a temp state dir (kept when `stateDir` is given). */
export async function startTestApp(options: Partial<OctantExecOptions> = {}): Promise<TestApp> {
  const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'octant-exec-server-test-'));
  const app = await startOctantExec({ sandbox: true, port: 0, warn: () => {}, ...options, sandboxOptions: { podStart: 'on-first-use', ...options.sandboxOptions }, stateDir: dir });
  const close = app.close;
  return Object.assign(app, {
    dir,
    host: `127.0.0.1:${app.port}`,
    origin: `http://127.0.0.1:${app.port}`,
    close: async () => {
      await close();
      if (!options.stateDir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
}

export interface CallOptions {
  method?: string;
  /** default: Bearer with the app's token; null: no credentials */
  token?: string | null;
  cookie?: string;
  host?: string;
  origin?: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export function call(app: TestApp, path: string, options: CallOptions = {}): Promise<HttpResult> {
  const token = options.token === undefined ? app.token : options.token;
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    Host: options.host ?? app.host,
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(options.cookie ? { Cookie: options.cookie } : {}),
    ...(options.origin ? { Origin: options.origin } : {}),
    ...(body !== undefined ? { 'Content-Type': options.contentType ?? 'application/json' } : {}),
    ...(options.headers ?? {}),
  };
  return send(app.port, path, { method: options.method, headers, body });
}

/** Tries a socket upgrade; resolves with the HTTP status of a refusal, or 101 (and closes it). */
export function tryUpgrade(app: TestApp, options: { origin?: string | null; host?: string; token?: string | null; cookie?: string; path?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { Host: options.host ?? app.host };
    if (options.origin !== null) headers.Origin = options.origin ?? app.origin;
    const token = options.token === undefined ? app.token : options.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.cookie) headers.Cookie = options.cookie;
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}${options.path ?? '/api/v1/stream'}`, { headers, origin: undefined });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.on('error', () => {});
  });
}

export type Message = ServerMessage;
export type MessageOf<K extends Message['type']> = Extract<Message, { type: K }>;

/** A browser tab's socket: collects control messages and each session's bytes. */
export class StreamClient {
  readonly messages: Message[] = [];
  readonly #chunks = new Map<string, Buffer[]>();
  readonly #sizes = new Map<string, number>();
  /** screen frames (attach with `screen`), apart from the output: they are not counted in offsets */
  readonly #screens = new Map<string, Buffer>();
  /** acknowledge every output frame as it arrives (an xterm.js that keeps up) */
  autoAck = true;
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return void this.messages.push(JSON.parse(data.toString('utf8')));
      const frame = decodeFrame(new Uint8Array(data));
      if (typeof frame === 'string') throw new Error(frame);
      if (this.autoAck) this.send({ type: 'ack', sessionId: frame.sessionId, bytes: frame.payload.length });
      if (frame.kind === FrameKind.Screen) return void this.#screens.set(frame.sessionId, Buffer.concat([this.screen(frame.sessionId), frame.payload]));
      const chunks = this.#chunks.get(frame.sessionId) ?? [];
      chunks.push(Buffer.from(frame.payload));
      this.#chunks.set(frame.sessionId, chunks);
      this.#sizes.set(frame.sessionId, (this.#sizes.get(frame.sessionId) ?? 0) + frame.payload.length);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve((this.closeCode = code))));
    ws.on('error', () => {});
  }

  /** `as`: a team mode's credentials (cookie or proxy headers, and the address to come from) instead of the launch token. */
  static async open(app: TestApp, options: { autoAck?: boolean; as?: { headers: Record<string, string>; from?: string } } = {}): Promise<StreamClient> {
    const credentials = options.as?.headers ?? { Authorization: `Bearer ${app.token}` };
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/v1/stream`, { headers: { ...credentials, Host: app.host }, origin: app.origin, ...(options.as?.from ? { localAddress: options.as.from } : {}) });
    const client = new StreamClient(ws);
    client.autoAck = options.autoAck ?? true;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    await client.next('hello', () => true, 'hello');
    return client;
  }

  /** The hello the server sent first. */
  get hello(): MessageOf<'hello'> {
    const [first] = this.messages;
    if (first?.type !== 'hello') throw new Error(`the first message is ${first?.type}, not hello`);
    return first;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  type(sessionId: string, text: string | Uint8Array): void {
    this.ws.send(encodeFrame(FrameKind.Input, sessionId, typeof text === 'string' ? new TextEncoder().encode(text) : text));
  }

  /** Every byte of a session received so far (joined on demand: `yes` sends thousands of frames). */
  bytes(sessionId: string): Buffer {
    const chunks = this.#chunks.get(sessionId) ?? [];
    if (chunks.length > 1) this.#chunks.set(sessionId, [Buffer.concat(chunks)]);
    return this.#chunks.get(sessionId)?.[0] ?? Buffer.alloc(0);
  }

  /** The screen frames of a session received so far. */
  screen(sessionId: string): Buffer {
    return this.#screens.get(sessionId) ?? Buffer.alloc(0);
  }

  received(sessionId: string): number {
    return this.#sizes.get(sessionId) ?? 0;
  }

  text(sessionId: string): string {
    return this.bytes(sessionId).toString('utf8');
  }

  async attach(sessionId: string, extra: Record<string, unknown> = {}): Promise<MessageOf<'attached'>> {
    const seen = this.messages.length;
    this.send({ type: 'attach', sessionId, ...extra });
    return this.next('attached', (m) => m.sessionId === sessionId, `attached ${sessionId}`, seen);
  }

  /** The first message of that type from index `from` on that matches. */
  async next<K extends Message['type']>(type: K, match: (m: MessageOf<K>) => boolean, what: string, from = 0, timeoutMs = 15_000): Promise<MessageOf<K>> {
    const fits = (m: Message): m is MessageOf<K> => m.type === type && match(m as MessageOf<K>);
    return waitFor(() => this.messages.slice(from).find(fits), what, timeoutMs);
  }

  async waitForText(sessionId: string, pattern: RegExp | string, timeoutMs = 15_000): Promise<void> {
    const test = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    try {
      await waitFor(() => test(this.text(sessionId)), `${JSON.stringify(String(pattern))} in ${sessionId}'s output`, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; it ends with ${JSON.stringify(this.text(sessionId).slice(-300))}`);
    }
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

/** Opens an exec through the API; returns its session ids. */
export async function openExec(app: TestApp, body: Record<string, unknown>): Promise<string[]> {
  const res = await call(app, '/api/v1/exec', { body });
  if (res.status !== 201) throw new Error(`exec refused: ${res.status} ${res.body}`);
  return res.json.sessionIds;
}

/** The session's row as GET /sessions lists it; fails if it is not listed. */
export async function sessionRow(app: TestApp, sessionId: string): Promise<SessionRow> {
  const row = await sessionState(app, sessionId);
  if (!row) throw new Error(`session ${sessionId} is not listed`);
  return row;
}

/** The session's row as GET /sessions lists it, if it is listed. */
export async function sessionState(app: TestApp, sessionId: string): Promise<SessionRow | undefined> {
  const res = await call(app, '/api/v1/sessions');
  return (res.json as SessionsReply).sessions.find((s) => s.sessionId === sessionId);
}
