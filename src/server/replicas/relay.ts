// A page whose socket reached one replica watches a terminal another replica holds: its messages
// for that terminal go to the holder over a replica-to-replica socket (the page's caller vouched
// for with the shared key), and what comes back for it goes to the page unchanged. The holder
// sees one more viewer, with the page's own acks, so flow control, reattach offsets and
// read-only watching work as on the holder itself. One link per page socket and holder. A link
// that drops is opened again and every terminal on it reattached where its bytes stopped.
import { WebSocket, type RawData } from 'ws';
import { FrameKind, decodeFrame, type ClientMessage } from '../../protocol/index.ts';
import type { HubSocket } from '../hub-sockets.ts';
import { SOCKET_PATH } from '../socket-path.ts';
import type { ReplicaPeers } from './replica-peers.ts';

type SessionMessage = Extract<ClientMessage, { sessionId: string }>;

/** a link that cannot be opened again after this many tries in a row tells its terminals so */
const MAX_RETRIES = 5;
const RETRY_MS = 500;
/** a holder that answers no ping for this long is gone (a node lost sends no close) */
const PING_MS = 10_000;
/** what the holder sends a link that the page needs: messages about the terminals it shows */
const FOR_THE_PAGE = new Set(['attached', 'detached', 'stream', 'error']);

interface Shown {
  /** the next byte the page has not received */
  offset: number;
  ack: boolean;
}

class Link {
  #ws: WebSocket | undefined;
  #queue: (string | Uint8Array)[] = [];
  readonly shown = new Map<string, Shown>();
  #retries = 0;
  #closed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly page: HubSocket,
    private readonly holder: string,
    private readonly peers: ReplicaPeers,
  ) {
    this.#open();
  }

  send(data: string | Uint8Array): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(data);
    else this.#queue.push(data);
  }

  attach(sessionId: string, from: number, ack: boolean): void {
    this.shown.set(sessionId, { offset: from, ack });
    this.send(JSON.stringify({ type: 'attach', sessionId, from, ack }));
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#ws?.close(1000, 'page gone');
  }

  #open(): void {
    const advertise = this.peers.advertise(this.holder);
    if (!advertise) return this.#lost(`replica ${this.holder} is not answering`);
    const url = new URL(SOCKET_PATH, advertise.replace(/^http/, 'ws'));
    const ws = (this.#ws = new WebSocket(url, { headers: this.peers.voucher(this.page.caller, 'GET', SOCKET_PATH), perMessageDeflate: false }));
    ws.on('open', () => {
      this.#retries = 0;
      const queued = this.#queue;
      this.#queue = [];
      for (const data of queued) ws.send(data);
      this.#watch(ws);
    });
    ws.on('message', (data: RawData, binary: boolean) => this.#fromHolder(data as Buffer, binary));
    ws.on('error', () => {}); // its close follows
    ws.on('close', () => {
      if (this.#closed || ws !== this.#ws) return;
      clearInterval(this.#heartbeat);
      // Reattach each terminal where the page's bytes stopped, on a new link; then what the page sent meanwhile.
      const attaches = [...this.shown].map(([sessionId, shown]) => JSON.stringify({ type: 'attach', sessionId, from: shown.offset, ack: shown.ack }));
      this.#queue = [...attaches, ...this.#queue];
      if (++this.#retries > MAX_RETRIES) return this.#lost(`the link to replica ${this.holder} dropped ${MAX_RETRIES} times in a row`);
      setTimeout(() => this.#closed || this.#open(), RETRY_MS * this.#retries).unref?.();
    });
  }

  /** Pings the holder; one that does not answer within PING_MS is cut (and the link opened again). */
  #watch(ws: WebSocket): void {
    let answered = true;
    ws.on('pong', () => (answered = true));
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      if (!answered) return void ws.terminate();
      answered = false;
      ws.ping();
    }, PING_MS);
    (this.#heartbeat as { unref?: () => void }).unref?.();
  }

  #fromHolder(data: Buffer, binary: boolean): void {
    if (binary) {
      const frame = decodeFrame(data);
      if (typeof frame === 'string') return;
      const shown = this.shown.get(frame.sessionId);
      if (!shown || (frame.kind !== FrameKind.Stdout && frame.kind !== FrameKind.Stderr)) return;
      shown.offset += frame.payload.length;
      this.page.sendFrame(data);
      return;
    }
    let message: { type?: string; sessionId?: string; from?: number; code?: string };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (!message.sessionId || !FOR_THE_PAGE.has(message.type ?? '') || !this.shown.has(message.sessionId)) return;
    if (message.type === 'attached') this.shown.get(message.sessionId)!.offset = message.from ?? 0;
    // The page no longer shows it: nothing to reattach should the link drop.
    if (message.type === 'detached' || (message.type === 'error' && message.code === 'unknownSession')) this.shown.delete(message.sessionId);
    this.page.send(message as Parameters<HubSocket['send']>[0]);
  }

  #lost(why: string): void {
    this.#closed = true;
    for (const sessionId of this.shown.keys()) this.page.error('notRunning', `This terminal's output comes from another octant-exec replica, and ${why}: reload the page to try again.`, sessionId);
    this.shown.clear();
  }
}

export class Relay {
  readonly #links = new Map<HubSocket, Map<string, Link>>();

  constructor(private readonly peers: ReplicaPeers) {}

  /** Sends a page's message about a terminal held by replica `holder` there. */
  message(page: HubSocket, message: SessionMessage, holder: string): void {
    const link = this.#link(page, holder);
    if (message.type === 'attach') return link.attach(message.sessionId, message.from, message.ack);
    if (message.type === 'detach') link.shown.delete(message.sessionId);
    link.send(JSON.stringify(message));
  }

  /** Sends a page's input frame for a terminal held by replica `holder` there (the holder checks and limits it). */
  input(page: HubSocket, frame: Uint8Array, holder: string): void {
    this.#link(page, holder).send(frame);
  }

  disconnected(page: HubSocket): void {
    for (const link of this.#links.get(page)?.values() ?? []) link.close();
    this.#links.delete(page);
  }

  close(): void {
    for (const page of [...this.#links.keys()]) this.disconnected(page);
  }

  #link(page: HubSocket, holder: string): Link {
    let links = this.#links.get(page);
    if (!links) this.#links.set(page, (links = new Map()));
    let link = links.get(holder);
    if (!link) links.set(holder, (link = new Link(page, holder, this.peers)));
    return link;
  }
}
