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
// A holder listed no more (it stopped, or was taken for lost) hands the link's terminals to this
// replica, whose answer carries their rows, which say how they ended.
// A detach is answered as on the holder, and what the holder still sends of the view left is not
// the page's (an attach right behind it must not be taken for it). What waits for the holder is
// bounded in bytes: a holder that reads slowly, or not at all, holds no page's flood here.
import { Buffer } from 'node:buffer';
import { WebSocket, type RawData } from 'ws';
import { FrameKind, decodeFrame, isEnded, type ClientMessage, type ServerMessage, type SessionRow } from '../../protocol/index.ts';
import { WATCH_EVERY_MS } from '../../runtime/replica-watch.ts';
import type { HubSocket } from '../hub-sockets.ts';
import { inputCost } from '../../protocol/input-pacing.ts';
import { sees } from '../caller.ts';
import { SOCKET_PATH } from '../socket-path.ts';
import type { ReplicaPeers } from './replica-peers.ts';

type SessionMessage = Extract<ClientMessage, { sessionId: string }>;
type AttachMessage = Extract<SessionMessage, { type: 'attach' }>;

export interface RelayOptions {
  /** answers a page's attach on this replica, as for a terminal no live replica holds */
  local: (page: HubSocket, message: AttachMessage) => void;
  /** how long a replica's lease lasts unrenewed: one stopped is taken for lost within it and a look of the watch */
  leaseMs: number;
}

/** a link to a holder still listed that cannot be opened again after this many tries in a row tells its terminals so */
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
/**
 * Bytes that may wait for the holder, queued while the link is down or buffered by its socket (a
 * holder that is slow, or paused, reads nothing): past it, what the page sends is refused, not held.
 * Input is limited at the holder, which a page's frames reach only as fast as it reads them.
 */
const MAX_WAITING_BYTES = 4 * 1024 * 1024;
/** what the holder sends a link that the page needs: messages about the terminals it shows */
const FOR_THE_PAGE = new Set(['attached', 'detached', 'stream', 'inputHeld', 'error', 'shareRole']);

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
  /** nothing runs in it, as the holder said last: no news of its holder concerns it */
  ended: boolean;
}

interface Queued {
  data: string | Uint8Array;
  bytes: number;
  /** an attach or a detach: after a drop, the reattaches of what the page shows stand for it */
  view: boolean;
}

class Link {
  #ws: WebSocket | undefined;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  #unwritten = 0; // input frames' cost past their bytes (inputCost), sent on the open link and not yet written
  readonly shown = new Map<string, Shown>();
  /**
   * Detaches sent on, by terminal, whose answer has not come back: until it does, what the holder
   * sends about that terminal is of the view the page left (an attach that follows waits behind).
   */
  readonly #leaving = new Map<string, number>();
  #retries = 0;
  #closed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** tried no more (#unreachable): whether the holder is still listed is looked at this way */
  #parked: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly page: HubSocket,
    private readonly holder: string,
    private readonly peers: ReplicaPeers,
    private readonly options: RelayOptions,
    private readonly gone: () => void,
  ) {
    // Not in the constructor itself: a link that cannot be opened is told gone, and must be made first.
    queueMicrotask(() => this.#open());
  }

  /** Sends (or queues, while the link is down) what the page sent; false when it was refused. */
  send(data: string | Uint8Array, sessionId: string, view = false): boolean {
    const [size, bytes] = typeof data === 'string' ? [Buffer.byteLength(data), Buffer.byteLength(data)] : [data.length, inputCost(data.length)]; // an input frame costs its write however small: counted at least as the page's input rate charges it
    const open = this.#ws?.readyState === WebSocket.OPEN;
    // an attach or a detach is never refused for bytes (the page's messages are rate-limited): a detach
    // the holder never heard of would leave it a viewer nobody reads, holding the terminal back
    if ((!view && this.#queuedBytes + (open ? this.#ws!.bufferedAmount + this.#unwritten : 0) + bytes > MAX_WAITING_BYTES) || (!open && this.#queue.length >= MAX_QUEUED)) {
      this.page.error('rateLimited', `The replica that runs this terminal is ${open ? 'not taking what is sent as fast as it comes' : 'not reached at the moment'}, and what waits for it is more than is held: this was dropped.`, sessionId);
      return false;
    }
    if (open) {
      const [ws, extra] = [this.#ws!, bytes - size]; // what the socket's bufferedAmount does not count, until it is written
      this.#unwritten += extra;
      ws.send(data, () => void (ws === this.#ws && (this.#unwritten -= extra)));
    } else {
      this.#queue.push({ data, bytes, view });
      this.#queuedBytes += bytes;
    }
    return true;
  }

  attach(message: AttachMessage): void {
    const { sessionId, from, ack } = message;
    this.shown.set(sessionId, { offset: from, ack, inFlight: 0, written: 0, claimed: 0, screen: message.screen === true, screenDue: 0, catchUp: ack && message.catchUp === 'screen', ended: false });
    // refused (what waits for the holder is full): not shown, so not reattached either
    if (!this.send(this.#attachMessage(sessionId), sessionId, true)) return void this.shown.delete(sessionId);
    // a page that opens a terminal again asks for another try (#unreachable says so)
    if (this.#parked) this.#resume();
  }

  /** The page shows it no more: the holder's answer goes to the page, and nothing else of the view it left. */
  detach(sessionId: string): void {
    this.shown.delete(sessionId);
    if (this.send(JSON.stringify({ type: 'detach', sessionId }), sessionId, true)) this.#leaving.set(sessionId, (this.#leaving.get(sessionId) ?? 0) + 1);
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
    clearInterval(this.#parked);
    this.#ws?.close(1000, 'page gone');
  }

  /**
   * The holder is listed no more: it stopped (and gave its lease up), or was taken for lost. What
   * the page shows of it is attached to this replica's data plane instead, quietly: its answer
   * carries each terminal's row, which says how it ended (the page writes its own note), and what
   * the page sends about them goes there from now on (stream-hub.ts), so it meets an attached view.
   */
  left(): void {
    this.close();
    this.#answerLeaving();
    for (const [sessionId, { offset, ack }] of this.shown) this.options.local(this.page, { type: 'attach', sessionId, from: offset, ack });
    this.shown.clear();
    this.gone();
  }

  #open(): void {
    if (this.#closed) return;
    const advertise = this.peers.advertise(this.holder);
    if (!advertise) return this.left();
    const url = new URL(SOCKET_PATH, advertise.replace(/^http/, 'ws'));
    const ws = (this.#ws = new WebSocket(url, { headers: this.peers.voucher(this.holder, this.page.caller, 'GET', SOCKET_PATH), perMessageDeflate: false, handshakeTimeout: PING_MS }));
    ws.on('open', () => {
      this.#retries = 0;
      const queued = this.#queue;
      this.#queue = [];
      this.#queuedBytes = this.#unwritten = 0; // what the link before it left unwritten is gone with it
      for (const { data } of queued) ws.send(data);
      this.#watch(ws);
    });
    ws.on('message', (data: RawData, binary: boolean) => this.#fromHolder(data as Buffer, binary));
    ws.on('error', () => {}); // its close follows
    ws.on('close', () => {
      if (this.#closed || ws !== this.#ws) return;
      clearInterval(this.#heartbeat);
      // Reattach each terminal where the page's bytes stopped, on a new link; then what the page sent
      // meanwhile, but its attaches and detaches: what it shows now is what is reattached.
      for (const shown of this.shown.values()) Object.assign(shown, { inFlight: 0, written: 0, claimed: 0 });
      this.#answerLeaving();
      const attaches = [...this.shown.keys()].map((sessionId) => this.#attachMessage(sessionId));
      this.#queue = [...attaches.map((data) => ({ data, bytes: Buffer.byteLength(data), view: true })), ...this.#queue.filter((queued) => !queued.view)];
      this.#queuedBytes = this.#queue.reduce((sum, queued) => sum + queued.bytes, 0);
      // A clean stop gives the lease up before it closes its sockets: a look at the replicas now tells it from a drop.
      void this.peers.watch.tick().then(() => this.#again());
    });
  }

  /** After a drop: opened again a few times while the holder is listed, else its terminals are answered here. */
  #again(): void {
    if (this.#closed) return;
    if (!this.peers.advertise(this.holder)) return this.left();
    if (++this.#retries > MAX_RETRIES) return this.#unreachable();
    setTimeout(() => this.#open(), RETRY_MS * this.#retries).unref?.();
  }

  /**
   * Listed still, yet not reached MAX_RETRIES times in a row: killed (listed until its lease runs
   * out), running on but cut off from here, or refusing the link (another build). Each terminal
   * that still ran is told what comes next, never to reload (that only relays again); the link is
   * tried no more (a refusal would come again) until the page opens one of them again, and once
   * the holder is listed no more its terminals go to this replica (left()).
   */
  #unreachable(): void {
    const within = Math.ceil((this.options.leaseMs + WATCH_EVERY_MS) / 1000);
    const what = `This terminal's output comes from another octant-exec replica, ${this.holder}, and the link to it dropped ${MAX_RETRIES} times in a row. If that replica has stopped, it is taken for lost within about ${within} s of stopping, and this terminal then says how it ended; if it runs on, open this terminal again later to try once more.`;
    for (const [sessionId, shown] of this.shown) if (!shown.ended) this.page.error('notRunning', what, sessionId);
    this.#parked = setInterval(() => this.peers.advertise(this.holder) || this.left(), WATCH_EVERY_MS);
    (this.#parked as { unref?: () => void }).unref?.();
  }

  #resume(): void {
    clearInterval(this.#parked);
    this.#parked = undefined;
    this.#retries = 0;
    this.#open();
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
      if (!shown || this.#leaving.has(frame.sessionId) || (frame.kind !== FrameKind.Stdout && frame.kind !== FrameKind.Stderr && frame.kind !== FrameKind.Screen)) return;
      // a screen stands for the bytes before its offset: it is not counted in them
      if (frame.kind === FrameKind.Screen) shown.screenDue = Math.max(0, shown.screenDue - frame.payload.length);
      else shown.offset += frame.payload.length;
      this.page.sendFrame(data, this.#whenWritten(frame.sessionId, shown, frame.payload.length));
      return;
    }
    let message: { type?: string; sessionId?: string; from?: number; code?: string; screen?: number; running?: boolean; state?: string; session?: SessionRow };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (message.type === 'session') return this.#row(message as Extract<ServerMessage, { type: 'session' }>);
    if (message.sessionId && this.#leaving.has(message.sessionId)) return this.#whileLeaving(message.sessionId, message);
    if (!message.sessionId || !FOR_THE_PAGE.has(message.type ?? '') || !this.shown.has(message.sessionId)) return;
    if (message.type === 'attached') Object.assign(this.shown.get(message.sessionId)!, { offset: message.from ?? 0, screen: false, screenDue: message.screen ?? 0, ended: !message.running && message.session !== undefined && isEnded(message.session.state) });
    if (message.type === 'stream') this.shown.get(message.sessionId)!.ended = message.state === 'closed';
    // The page no longer shows it: nothing to reattach should the link drop.
    if (message.type === 'detached' || (message.type === 'error' && message.code === 'unknownSession')) this.shown.delete(message.sessionId);
    this.page.send(message as Parameters<HubSocket['send']>[0]);
  }

  /** What the holder sends about a terminal the page detached: only the answer to the detach goes on (`detached`, or `notAttached` when it had gone already). */
  #whileLeaving(sessionId: string, message: { type?: string; code?: string }): void {
    if (message.type !== 'detached' && !(message.type === 'error' && message.code === 'notAttached')) return;
    const left = this.#leaving.get(sessionId)! - 1;
    if (left > 0) this.#leaving.set(sessionId, left);
    else this.#leaving.delete(sessionId);
    this.page.send(message as Parameters<HubSocket['send']>[0]);
  }

  /** The link dropped, or is lost: the detaches sent on it are answered here, as they will not be there. */
  #answerLeaving(): void {
    for (const [sessionId, count] of this.#leaving) for (let i = 0; i < count; i++) this.page.send({ type: 'detached', sessionId, reason: 'request' });
    this.#leaving.clear();
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
}

export class Relay {
  readonly #links = new Map<HubSocket, Map<string, Link>>();
  /**
   * Pages whose socket has closed: a message of theirs can still come after (an attach that waited
   * for a look at the replicas), and a link opened for it would never be closed.
   */
  readonly #gone = new WeakSet<HubSocket>();
  #closed = false;

  constructor(
    private readonly peers: ReplicaPeers,
    private readonly options: RelayOptions,
  ) {}

  /** Sends a page's message about a terminal held by replica `holder` there. */
  message(page: HubSocket, message: SessionMessage, holder: string): void {
    const link = this.#link(page, holder);
    if (!link) return;
    if (message.type === 'attach') return link.attach(message);
    if (message.type === 'detach') return link.detach(message.sessionId);
    // Acks go on as the page's socket writes (a page that does not acknowledge has them made there).
    if (message.type === 'ack') return link.pageAcked(message.sessionId, message.bytes);
    link.send(JSON.stringify(message), message.sessionId);
  }

  /** Sends a page's input frame for a terminal held by replica `holder` there (the holder checks and limits it). */
  input(page: HubSocket, frame: Uint8Array, sessionId: string, holder: string): void {
    this.#link(page, holder)?.send(frame, sessionId);
  }

  /** Replica `holder` is listed no more: the page's link to it, if any, hands its terminals to this replica (Link.left). */
  left(page: HubSocket, holder: string): void {
    this.#links.get(page)?.get(holder)?.left();
  }

  disconnected(page: HubSocket): void {
    this.#gone.add(page);
    for (const link of this.#links.get(page)?.values() ?? []) link.close();
    this.#links.delete(page);
  }

  close(): void {
    this.#closed = true;
    for (const page of [...this.#links.keys()]) this.disconnected(page);
  }

  /** The page's link to `holder`, made if need be; none for a page gone, or once the relay is closed. */
  #link(page: HubSocket, holder: string): Link | undefined {
    if (this.#closed || this.#gone.has(page)) return undefined;
    let links = this.#links.get(page);
    if (!links) this.#links.set(page, (links = new Map()));
    let link = links.get(holder);
    if (!link) {
      const made: Link = new Link(page, holder, this.peers, this.options, () => {
        if (links.get(holder) === made) links.delete(holder);
      });
      links.set(holder, (link = made));
    }
    return link;
  }
}
