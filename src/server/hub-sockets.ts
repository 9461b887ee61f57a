// The stream hub's connections: one WebSocket per browser tab, each with its heartbeat (a socket
// that answered none of two pings in a row, counted while we were free to read, is dropped: see
// src/domain/heartbeat.ts) and its limits (SECURITY.md item 5): control messages and input bytes
// a second, and what may wait unread for it (a client that keeps sending and never reads would
// otherwise grow the server's memory with every answer it is sent). Binary frames go to the
// handlers as they are; control messages are checked (client-messages.ts), pings answered here,
// the rest handed on.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { ClientMessage, ErrorCode, ServerMessage } from '../protocol/index.ts';
import { isProblem, parseClientMessage } from './client-messages.ts';
import type { StreamHubOptions } from './hub-options.ts';
import { TokenBucket } from '../domain/token-bucket.ts';
import { Heartbeat } from '../domain/heartbeat.ts';
import type { Caller } from './caller.ts';

/** One browser socket, as both planes see it. */
export interface HubSocket {
  send(message: ServerMessage): void;
  /**
   * A message that stands for all before it of the same `key` (a pod list, the alerts): while one
   * is still unwritten, the next waits and a newer one replaces it, so a slow reader gets the
   * newest, not each.
   */
  sendLatest(key: string, message: ServerMessage): void;
  /** bytes sent for a viewer that is gone (detached, replaced, closed) and not yet written: counted with the messages, against the socket's bound; negative once written */
  owedForGone(bytes: number): void;
  /** a binary frame; `written` once the socket has written it out. False when the socket is closed. */
  sendFrame(frame: Uint8Array, written?: () => void): boolean;
  error(code: ErrorCode, message: string, sessionId?: string): void;
  /** input bytes this socket may still send now */
  readonly inputBytes: TokenBucket;
  /** who opened it: what it may see and do */
  readonly caller: Caller;
}

export interface SocketHandlers {
  connected(socket: HubSocket): void;
  binary(socket: HubSocket, data: Uint8Array): void;
  control(socket: HubSocket, message: ClientMessage): void;
  disconnected(socket: HubSocket): void;
}

/**
 * Pings a socket may leave unanswered in a row before it is taken for gone. Not one: a short
 * --keepalive, or a pong late by a busy moment at the browser, is no vanished browser.
 */
const MISSED_PINGS_ALLOWED = 1;

/** a socket is told it goes too fast at most this often (per session): a refusal per dropped message would be a flood of our own */
const RATE_NOTICE_EVERY_MS = 1000;

interface Connection extends HubSocket {
  ws: WebSocket;
  heartbeat: Heartbeat;
  messages: TokenBucket;
  /** when it was last told `rateLimited`, per session ('' for none) (performance.now()) */
  toldRateLimited: Map<string, number>;
  /** bytes waiting unread that no viewer's flow control bounds: messages, and what was sent for viewers now gone */
  loose: number;
  /** sendLatest's keys with a message not yet written: the newest that waits behind it, if any */
  latest: Map<string, ServerMessage | undefined>;
  /** a binary frame of its is being handled: a refusal of it costs a message of the rate, as a control message's does */
  inBinary: boolean;
  /** closes it once its caller's word no longer holds (Caller.socketLifetimeMs) */
  aged?: ReturnType<typeof setTimeout>;
  /** when it was let in (Date.now(), as a sign-out's time is) */
  openedAt: number;
}

/** Whose sockets count together against maxSocketsPerPerson: a person's, local mode's one user's, a local share link's browser's. */
function holderOf(caller: Caller): string {
  if (caller.share) return `share ${caller.share.shareId}`;
  return caller.person ? `person ${caller.person.user}` : 'local';
}

export class HubSockets {
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();

  constructor(
    private readonly options: Required<StreamHubOptions>,
    private readonly handlers: SocketHandlers,
  ) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false, clientTracking: false });
  }

  get count(): number {
    return this.#connections.size;
  }

  /** Sockets of pages and clients, not another replica's relay (which a page on that replica opened: counted there). */
  get pageCount(): number {
    let pages = 0;
    for (const connection of this.#connections) if (connection.caller.via === undefined) pages++;
    return pages;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connect(ws, caller));
  }

  /** Every socket that is open. */
  *open(): Iterable<HubSocket> {
    for (const connection of this.#connections) if (connection.ws.readyState === WebSocket.OPEN) yield connection;
  }

  /** Closes every socket `caller` opened (its session ended): 1008, with `reason` for the page. */
  closeFor(caller: Caller, reason: string): void {
    for (const connection of this.#connections) if (connection.caller === caller) connection.ws.close(1008, reason);
  }

  /** Closes every socket `user` opened, whatever the sign-in (an admin signed them out, in proxy mode): 1008, with `reason`. */
  /** Closes `user`'s sockets opened until `openedUntil` (a sign-out's time: one opened since was let in after it). */
  closeForPerson(user: string, reason: string, openedUntil: number): void {
    for (const connection of this.#connections) if (connection.caller.person?.user === user && connection.openedAt <= openedUntil) connection.ws.close(1008, reason);
  }

  /**
   * Closes every socket with 1001, one turn of the event loop from now: the server closes the hub
   * right after it ended every exec, and the rows that say so go out on the next turn (the
   * control plane pushes what the log's entries changed in a setImmediate). Each socket is closed
   * after them, so a client learns its terminal was ended (serverShutdown) rather than of a drop
   * alone. Its heartbeat stops at once, and nothing new is let in meanwhile.
   */
  close(): void {
    for (const connection of this.#connections) connection.heartbeat.stop();
    this.#wss.close();
    setImmediate(() => {
      for (const connection of this.#connections) connection.ws.close(1001, 'server shutting down');
      this.#connections.clear();
    });
  }

  #connect(ws: WebSocket, caller: Caller): void {
    const o = this.options;
    const holder = holderOf(caller);
    const limit = caller.share ? Math.max(1, Math.floor(o.maxSocketsPerPerson / 4)) : o.maxSocketsPerPerson;
    let held = 0;
    for (const connection of this.#connections) if (holderOf(connection.caller) === holder) held++;
    // 1013, try again later: the page reconnects as it backs off, and gets in once another closes
    if (held >= limit) return ws.close(1013, `You have ${held} octant-exec pages open, the most at once: close some.`);
    const connection: Connection = {
      ws,
      caller,
      openedAt: Date.now(),
      heartbeat: new Heartbeat({
        intervalMs: o.pingIntervalMs,
        deadAfterMs: (MISSED_PINGS_ALLOWED + 1) * o.pingIntervalMs,
        ping: () => ws.ping(),
        gone: () => {
          ws.terminate(); // the browser is gone (or cut off): no pong, no message
          this.#disconnect(connection);
        },
      }),
      messages: new TokenBucket(o.messagesPerSecond, o.messagesPerSecond * 5),
      inputBytes: new TokenBucket(o.inputBytesPerSecond, o.inputBytesPerSecond * 4),
      toldRateLimited: new Map(),
      loose: 0,
      latest: new Map(),
      inBinary: false,
      send: (message) => this.#send(connection, message),
      sendLatest: (key, message) => {
        if (connection.latest.has(key)) return void connection.latest.set(key, message);
        connection.latest.set(key, undefined);
        this.#send(connection, message, () => {
          const next = connection.latest.get(key);
          connection.latest.delete(key);
          if (next) connection.sendLatest(key, next);
        });
      },
      owedForGone: (bytes) => {
        connection.loose += bytes;
        if (bytes > 0) this.#unreadBound(connection);
      },
      sendFrame: (frame, written) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        if (written) ws.send(frame, () => written());
        else ws.send(frame);
        this.#unreadBound(connection);
        return true;
      },
      error: (code, message, sessionId) => {
        const now = performance.now();
        if (code === 'rateLimited' && now - (connection.toldRateLimited.get(sessionId ?? '') ?? -Infinity) < RATE_NOTICE_EVERY_MS) return;
        if (connection.inBinary && !connection.messages.take(1)) return; // only what is said costs a message
        if (code === 'rateLimited') connection.toldRateLimited.set(sessionId ?? '', now);
        connection.send({ type: 'error', code, message, ...(sessionId ? { sessionId } : {}) });
      },
    };
    this.#connections.add(connection);
    if (caller.socketLifetimeMs !== undefined) {
      connection.aged = setTimeout(() => ws.close(1008, 'who you are is asked again: connect again'), caller.socketLifetimeMs);
      (connection.aged as { unref?: () => void }).unref?.();
    }
    ws.on('pong', () => connection.heartbeat.heard());
    ws.on('message', (data, isBinary) => {
      connection.heartbeat.heard();
      try {
        if (!isBinary) return this.#control(connection, toBytes(data));
        connection.inBinary = true;
        this.handlers.binary(connection, toBytes(data));
      } catch (error) {
        // A bug met by one message ends that socket (its page reconnects), not the process and
        // every terminal in it: nothing else catches an exception thrown in a socket's handler.
        console.error(`octant-exec: a socket of ${whose(connection)} was closed: handling its message failed: ${(error as Error)?.stack ?? error}`);
        ws.close(1011, 'the server failed to handle a message');
      } finally {
        connection.inBinary = false;
      }
    });
    // ws reports a protocol fault (an oversized frame: 1009) here and closes the socket itself.
    ws.on('error', () => {});
    ws.on('close', () => this.#disconnect(connection));
    this.handlers.connected(connection);
  }

  #control(connection: Connection, data: Uint8Array): void {
    const message = parseClientMessage(data);
    // Acks come as fast as output does, cost nothing, and dropping one would stall the session for
    // good: they are exempt from the message rate. Everything else counts, refusals included.
    if (isProblem(message) || message.type !== 'ack') {
      if (!connection.messages.take(1)) return connection.error('rateLimited', `More than ${this.options.messagesPerSecond} messages a second: those over it are dropped.`);
    }
    if (isProblem(message)) return connection.error(message.problem, message.message, message.sessionId);
    if (message.type === 'ping') return connection.send({ type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}) });
    this.handlers.control(connection, message);
  }

  #send(connection: Connection, message: ServerMessage, written?: () => void): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    connection.loose += bytes;
    connection.ws.send(text, () => {
      connection.loose -= bytes;
      written?.();
    });
    this.#unreadBound(connection);
  }

  /**
   * Closes a socket that has more waiting for it than a client that reads ever lets pile up: past
   * maxUnreadMessages of what no flow control bounds, or past maxSocketBacklog all told (a close
   * frame would only wait behind it).
   */
  #unreadBound(connection: Connection): void {
    const unread = connection.ws.bufferedAmount;
    const { maxSocketBacklog, maxUnreadMessages } = this.options;
    if (unread <= maxSocketBacklog && connection.loose <= maxUnreadMessages) return;
    const what = unread > maxSocketBacklog ? `${mib(unread)} MiB sent to it (the limit is ${mib(maxSocketBacklog)})` : `${mib(connection.loose)} MiB of messages and replays nobody shows (the limit is ${mib(maxUnreadMessages)})`;
    console.error(`octant-exec: closed a socket of ${whose(connection)}: ${what} were still unread: it sends and does not read`);
    connection.ws.terminate();
  }

  #disconnect(connection: Connection): void {
    connection.heartbeat.stop();
    clearTimeout(connection.aged);
    if (this.#connections.delete(connection)) this.handlers.disconnected(connection);
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** Whose socket it is, as the server's log names it. */
function whose(connection: Connection): string {
  return connection.caller.person?.user ?? 'the local user';
}
