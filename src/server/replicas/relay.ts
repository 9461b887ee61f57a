// A page whose socket reached one replica watches a terminal another replica holds: its messages
// for that terminal go to the holder over a replica-to-replica socket (the page's caller vouched
// for with the shared key), and what comes back for it goes to the page unchanged. The holder
// sees one more viewer, with the page's own acks, so flow control, reattach offsets and
// read-only watching work as on the holder itself; but an ack goes on only for bytes the page's
// socket has written (a page that acks what it never read must not lift the holder's flow
// control). A page that does not acknowledge (an API client) is acknowledged for by the relay as
// the page's socket writes its bytes, so the holder never sends faster than that socket takes them. A page's terminal asks for its screen and
// to be caught up with the screen when it lags as it would on the holder: both are passed on, and
// the screen frames too, and a share viewer's rows of its terminal. One link per page socket and
// holder. A link that drops is opened again and every terminal on it reattached where its bytes
// stopped (for its screen again, if it came only in part: half a screen cannot be gone on from).
import { WebSocket, type RawData } from 'ws';
import { FrameKind, decodeFrame, type ClientMessage, type ServerMessage, type SessionRow } from '../../protocol/index.ts';
import type { HubSocket } from '../hub-sockets.ts';
import { sees } from '../caller.ts';
import { SOCKET_PATH } from '../socket-path.ts';
import type { ReplicaPeers } from './replica-peers.ts';

type SessionMessage = Extract<ClientMessage, { sessionId: string }>;

/** a link that cannot be opened again after this many tries in a row tells its terminals so */
const MAX_RETRIES = 5;
const RETRY_MS = 500;
/**
 * A holder that answers no ping for this long is gone (a node lost sends no close); a handshake
 * gets as long. Generous: a busy holder that answers late must not lose its relayed viewers (while
 * a link is down the holder has no viewer to hold its stream for), and a lost one is marked so by
 * the replicas' watch within seconds anyway.
 */
const PING_MS = 30_000;
/** the relay's own acks (for a page that sends none) come at most this far apart, as the page's client sends its own: one per frame would pass the holder's message rate */
const ACK_EVERY_BYTES = 16 * 1024;
/** what a page may send while its link is down: past it, what it sends is refused, not queued */
const MAX_QUEUED = 1_000;
/** what the holder sends a link that the page needs: messages about the terminals it shows */
const FOR_THE_PAGE = new Set(['attached', 'detached', 'stream', 'error', 'shareRole']);

interface Shown {
  /** the next byte the page has not received */
  offset: number;
  /** whether the page acknowledges what it drew itself (else the relay does, as its socket writes) */
  ack: boolean;
  /** bytes given to the page's socket and not written yet (on this link) */
  inFlight: number;
  /** bytes the page's socket has written, not yet acknowledged to the holder */
  written: number;
  /** bytes the page acknowledged, not yet passed on: only what its socket has written goes on */
  claimed: number;
  /** the page asked for the screen, and no answer came yet */
  screen: boolean;
  /** bytes of the screen announced in `attached` not yet passed on */
  screenDue: number;
  /** caught up with the screen when it lags (only a page that acks itself: the holder's counting is the page's own) */
  catchUp: boolean;
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
    private readonly gone: () => void,
  ) {
    // Not in the constructor itself: a link that cannot be opened is told gone, and must be made first.
    queueMicrotask(() => this.#open());
  }

  send(data: string | Uint8Array, sessionId: string): void {
    if (this.#ws?.readyState === WebSocket.OPEN) return this.#ws.send(data);
    if (this.#queue.length < MAX_QUEUED) return void this.#queue.push(data);
    this.page.error('rateLimited', 'The link to the replica that runs this terminal is down, and what was sent meanwhile is more than it holds: this was dropped.', sessionId);
  }

  attach(message: Extract<SessionMessage, { type: 'attach' }>): void {
    const { sessionId, from, ack } = message;
    this.shown.set(sessionId, { offset: from, ack, inFlight: 0, written: 0, claimed: 0, screen: message.screen === true, screenDue: 0, catchUp: ack && message.catchUp === 'screen' });
    this.send(this.#attachMessage(sessionId), sessionId);
  }

  /** Always with acks at the holder: a page that sends none is acknowledged for by the relay. */
  #attachMessage(sessionId: string): string {
    const shown = this.shown.get(sessionId)!;
    const screen = shown.screen || shown.screenDue > 0;
    return JSON.stringify({ type: 'attach', sessionId, from: shown.offset, ack: true, ...(screen ? { screen: true } : {}), ...(shown.catchUp ? { catchUp: 'screen' } : {}) });
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#ws?.close(1000, 'page gone');
  }

  #open(): void {
    if (this.#closed) return;
    const advertise = this.peers.advertise(this.holder);
    if (!advertise) return this.#lost(`replica ${this.holder} is not answering`);
    const url = new URL(SOCKET_PATH, advertise.replace(/^http/, 'ws'));
    const ws = (this.#ws = new WebSocket(url, { headers: this.peers.voucher(this.holder, this.page.caller, 'GET', SOCKET_PATH), perMessageDeflate: false, handshakeTimeout: PING_MS }));
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
      for (const shown of this.shown.values()) Object.assign(shown, { inFlight: 0, written: 0, claimed: 0 });
      const attaches = [...this.shown.keys()].map((sessionId) => this.#attachMessage(sessionId));
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
      if (!shown || (frame.kind !== FrameKind.Stdout && frame.kind !== FrameKind.Stderr && frame.kind !== FrameKind.Screen)) return;
      // a screen stands for the bytes before its offset: it is not counted in them
      if (frame.kind === FrameKind.Screen) shown.screenDue = Math.max(0, shown.screenDue - frame.payload.length);
      else shown.offset += frame.payload.length;
      this.page.sendFrame(data, this.#whenWritten(frame.sessionId, shown, frame.payload.length));
      return;
    }
    let message: { type?: string; sessionId?: string; from?: number; code?: string; screen?: number; session?: SessionRow };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (message.type === 'session') return this.#row(message as Extract<ServerMessage, { type: 'session' }>);
    if (!message.sessionId || !FOR_THE_PAGE.has(message.type ?? '') || !this.shown.has(message.sessionId)) return;
    if (message.type === 'attached') Object.assign(this.shown.get(message.sessionId)!, { offset: message.from ?? 0, screen: false, screenDue: message.screen ?? 0 });
    // The page no longer shows it: nothing to reattach should the link drop.
    if (message.type === 'detached' || (message.type === 'error' && message.code === 'unknownSession')) this.shown.delete(message.sessionId);
    this.page.send(message as Parameters<HubSocket['send']>[0]);
  }

  /**
   * The holder sends a share's viewer its terminal's row as it changes (its size, its end); a page
   * that sees the terminal by itself (its owner's, an admin's) has it from its own replica already.
   */
  #row(message: Extract<ServerMessage, { type: 'session' }>): void {
    const row = message.session;
    if (this.shown.has(row?.sessionId) && !sees(this.page.caller, row.person)) this.page.send(message);
  }

  /** The page acknowledged bytes: they go on to the holder as far as its socket has written them. */
  pageAcked(sessionId: string, bytes: number): void {
    const shown = this.shown.get(sessionId);
    // while the link is down its acks count bytes of a link that is gone: the reattach starts anew
    if (!shown?.ack || this.#ws?.readyState !== WebSocket.OPEN) return;
    shown.claimed += bytes;
    this.#passAcks(sessionId, shown);
  }

  /** Counts the bytes once the page's socket has written them, and passes on the acks they let go. */
  #whenWritten(sessionId: string, shown: Shown, bytes: number): () => void {
    const ws = this.#ws;
    shown.inFlight += bytes;
    return () => {
      // An ack belongs to the link it counts for: after a reattach the holder starts counting anew.
      if (ws !== this.#ws) return;
      shown.inFlight -= bytes;
      shown.written += bytes;
      this.#passAcks(sessionId, shown);
    };
  }

  /** A page's acks up to what its socket wrote; for a page that sends none, what its socket wrote, a batch at a time. */
  #passAcks(sessionId: string, shown: Shown): void {
    const due = shown.ack ? Math.min(shown.written, shown.claimed) : shown.written;
    if (due <= 0 || (!shown.ack && due < ACK_EVERY_BYTES && shown.inFlight > 0)) return;
    shown.written -= due;
    if (shown.ack) shown.claimed -= due;
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ type: 'ack', sessionId, bytes: due }));
  }

  #lost(why: string): void {
    this.close();
    this.#queue = [];
    for (const sessionId of this.shown.keys()) this.page.error('notRunning', `This terminal's output comes from another octant-exec replica, and ${why}: reload the page to try again.`, sessionId);
    this.shown.clear();
    this.gone(); // what the page sends for this holder next opens a new link
  }
}

export class Relay {
  readonly #links = new Map<HubSocket, Map<string, Link>>();

  constructor(private readonly peers: ReplicaPeers) {}

  /** Sends a page's message about a terminal held by replica `holder` there. */
  message(page: HubSocket, message: SessionMessage, holder: string): void {
    const link = this.#link(page, holder);
    if (message.type === 'attach') return link.attach(message);
    if (message.type === 'detach') link.shown.delete(message.sessionId);
    // Acks go on as the page's socket writes (a page that does not acknowledge has them made there).
    if (message.type === 'ack') return link.pageAcked(message.sessionId, message.bytes);
    link.send(JSON.stringify(message), message.sessionId);
  }

  /** Sends a page's input frame for a terminal held by replica `holder` there (the holder checks and limits it). */
  input(page: HubSocket, frame: Uint8Array, sessionId: string, holder: string): void {
    this.#link(page, holder).send(frame, sessionId);
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
    if (!link) {
      const made: Link = new Link(page, holder, this.peers, () => {
        if (links.get(holder) === made) links.delete(holder);
      });
      links.set(holder, (link = made));
    }
    return link;
  }
}
