// The browser stream hub: one WebSocket per browser tab carries every terminal it shows, each
// addressed by its session id (docs/api.md, "The socket protocol"; src/protocol/). Three parts:
// the sockets (hub-sockets.ts: heartbeat, rate limits), the data plane (data-plane.ts: bytes,
// scrollback, flow control, input) and the control plane (control-plane.ts: projections pushed
// to the pages, pod watches). The limits and their defaults are in hub-options.ts.
//
// The caller checks Host, Origin and authentication before handing an upgrade to this hub.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { PodWatching } from '../adapters/cluster.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { HubLimits } from '../protocol/index.ts';
import { ControlPlane } from './control-plane.ts';
import { DataPlane } from './data-plane.ts';
import type { SessionStreamStats } from './stream-viewers.ts';
import { hubLimits, hubOptions, type StreamHubOptions } from './hub-options.ts';
import { HubSockets, type HubSocket } from './hub-sockets.ts';
import type { Caller } from './caller.ts';
import { decodeFrame, type ClientMessage } from '../protocol/index.ts';
import { Relay } from './replicas/relay.ts';
import type { ReplicaPeers } from './replicas/replica-peers.ts';
import { ListingWaits } from './replicas/listing-waits.ts';
import { outputCounts } from './output-counts.ts';
import { chargeInput } from './socket-input.ts';


export type { StreamHubOptions } from './hub-options.ts';
export type { SessionStreamStats } from './stream-viewers.ts';

export class StreamHub {
  readonly options: Required<StreamHubOptions>;
  readonly #sockets: HubSockets;
  readonly #data: DataPlane;
  readonly #control: ControlPlane;
  readonly #relay: Relay | undefined;
  readonly #listing: ListingWaits | undefined;
  readonly #unwatch: () => void;

  constructor(
    private readonly system: ExecSystem,
    options: StreamHubOptions = {},
    pods?: PodWatching,
    private readonly peers?: ReplicaPeers,
  ) {
    this.options = hubOptions(options);
    // a page's attach handed back by a link to a holder gone is answered by this replica's data plane
    this.#relay = peers && new Relay(peers, { local: (socket, message) => this.#data.message(socket, message), leaseMs: system.shared!.store.leaseMs });
    this.#listing = peers && new ListingWaits(system);
    this.#data = new DataPlane(system, this.options);
    // output keeps a terminal from its idle timeout only while it has a viewer here (output-counts.ts)
    this.#unwatch = system.io.outputCountsWhen(outputCounts(system, this.#data));
    this.#control = new ControlPlane(system, this.#data, () => this.#sockets.open(), this.options, pods);
    this.#sockets = new HubSockets(this.options, {
      connected: (socket) => this.#control.hello(socket, this.limits),
      binary: (socket, data) => {
        const frame = this.#relay && decodeFrame(data);
        const holder = frame && typeof frame !== 'string' ? this.#holder(socket, frame.sessionId) : undefined;
        if (!holder || typeof frame !== 'object') return this.#data.input(socket, data);
        // charged here as the holder charges its own sockets (socket-input.ts): uncharged, one-byte frames came as fast as the link took their bytes, a write each
        if (chargeInput(socket, frame.payload.length, frame.sessionId, this.options)) this.#relay!.input(socket, data, frame.sessionId, holder);
      },
      control: (socket, message) => {
        if ('sessionId' in message) this.#sessionMessage(socket, message);
        // a share link's browser sees its one terminal, never the cluster's pods
        else if ('namespace' in message && socket.caller.share) socket.error('watchFailed', 'A share link shows its one terminal and nothing else.');
        else if ('namespace' in message) this.#control.watchPods(socket, message.type === 'watchPods', message.namespace, message.context);
      },
      disconnected: (socket) => {
        this.#listing?.disconnected(socket);
        this.#relay?.disconnected(socket);
        this.#data.disconnected(socket);
        this.#control.disconnected(socket);
      },
    });
  }

  /** The replica that holds a terminal, when it is another live one (its bytes are relayed from there). */
  #holder(socket: HubSocket, sessionId: string): string | undefined {
    const replica = this.#otherReplica(socket, sessionId);
    if (!replica || this.peers!.advertise(replica)) return replica;
    // Listed no more (stopped, or lost): what the page's link to it showed is answered here, before this message is.
    this.#relay!.left(socket, replica);
    return undefined;
  }

  /** The other replica a terminal's row names, when this one does not hold it. */
  #otherReplica(socket: HubSocket, sessionId: string): string | undefined {
    // A relay link from another replica is answered here, never relayed again (no chains, no loops).
    if (!this.peers || socket.caller.via || this.system.holds(sessionId)) return undefined;
    const replica = this.system.sessionList.byId[sessionId]?.replica;
    return replica !== this.peers.self.id ? replica : undefined;
  }

  #sessionMessage(socket: HubSocket, message: Extract<ClientMessage, { sessionId: string }>): void {
    // A terminal opened a moment ago through another replica may not be in this replica's lists yet.
    if (this.#listing && (message.type === 'attach' || this.#listing.pending(socket, message.sessionId))) this.#listing.whenListed(socket, message.sessionId, () => this.#toHolder(socket, message));
    else this.#toHolder(socket, message);
  }

  #toHolder(socket: HubSocket, message: Extract<ClientMessage, { sessionId: string }>): void {
    // Held by a replica this one has not seen yet (it started after this one's last look, up to
    // 2 s ago): answered here, the attach would find no stream and wait for bytes that never come.
    // Look again first; a replica still not live after it is lost, and its terminal answered here.
    if (message.type === 'attach' && this.#heldByUnseen(socket, message.sessionId)) {
      void this.peers!.watch.tick().then(() => this.#route(socket, message));
      return;
    }
    this.#route(socket, message);
  }

  #route(socket: HubSocket, message: Extract<ClientMessage, { sessionId: string }>): void {
    const holder = this.#holder(socket, message.sessionId);
    if (holder) this.#relay!.message(socket, message, holder);
    else this.#data.message(socket, message);
  }

  #heldByUnseen(socket: HubSocket, sessionId: string): boolean {
    const replica = this.#otherReplica(socket, sessionId);
    return replica !== undefined && this.peers!.advertise(replica) === undefined;
  }

  /** Take over an upgrade that has passed the Host, Origin and sign-in checks, for `caller`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller): void {
    this.#sockets.handleUpgrade(req, socket, head, caller);
  }

  /** Closes the sockets of a session that ended (sign-out): what it opened stops at once. */
  closeFor(caller: Caller, reason: string): void {
    this.#sockets.closeFor(caller, reason);
  }

  /** Closes the sockets of a person an admin signed out where no session of ours holds them (proxy mode). */
  closeForPerson(user: string, reason: string, openedUntil: number): void {
    this.#sockets.closeForPerson(user, reason, openedUntil);
  }

  /** The limits a page works under (its hello, and GET /api/v1/info). */
  get limits(): HubLimits {
    return hubLimits(this.options);
  }

  /** What the hub holds for a session (for tests and the inspector). */
  stats(sessionId: string): SessionStreamStats | undefined {
    return this.#data.stats(sessionId);
  }

  get clientCount(): number {
    return this.#sockets.count;
  }

  /** Open sockets of pages and clients, another replica's relays left out. */
  get pageCount(): number {
    return this.#sockets.pageCount;
  }

  /** Close every socket (1001, going away) and stop listening to the system. */
  close(): void {
    this.#unwatch();
    this.#listing?.close();
    this.#relay?.close();
    this.#data.close();
    this.#control.close();
    this.#sockets.close();
  }
}
