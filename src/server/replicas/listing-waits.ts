// An attach for a terminal opened a moment ago through another replica can reach this replica
// before the shared log has delivered the terminal to its lists. It waits, for a second at most,
// and goes on the moment the terminal is listed (not at the next poll: every millisecond here is
// the first byte's). A socket that closes meanwhile takes its waits with it.
import type { ExecSystem } from '../../runtime/exec-system.ts';
import type { HubSocket } from '../hub-sockets.ts';

/** long enough for a log entry to reach every replica, short enough that an unknown id is soon told so */
export const LISTING_WAIT_MS = 1_000;

interface Wait {
  socket: HubSocket;
  then: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export class ListingWaits {
  readonly #waits = new Map<string, Wait[]>();
  readonly #stop: () => void;

  constructor(private readonly system: ExecSystem) {
    this.#stop = system.onEntry((entry) => {
      if (entry.type === 'session.spawned') this.#release(entry.sessionId);
    });
  }

  /** Runs `then` once `sessionId` is listed (at once if it is), or after LISTING_WAIT_MS if it never is. */
  whenListed(socket: HubSocket, sessionId: string, then: () => void): void {
    if (this.system.sessionList.byId[sessionId]) return then();
    const wait: Wait = { socket, then, timer: setTimeout(() => this.#release(sessionId, wait), LISTING_WAIT_MS) };
    this.#waits.set(sessionId, [...(this.#waits.get(sessionId) ?? []), wait]);
  }

  /** Whether something of `socket`'s waits for `sessionId`: what it sends next about it waits behind (a detach must not overtake its attach). */
  pending(socket: HubSocket, sessionId: string): boolean {
    return this.#waits.get(sessionId)?.some((wait) => wait.socket === socket) ?? false;
  }

  disconnected(socket: HubSocket): void {
    for (const [sessionId, waits] of this.#waits) {
      for (const wait of waits.filter((w) => w.socket === socket)) clearTimeout(wait.timer);
      const left = waits.filter((w) => w.socket !== socket);
      if (left.length) this.#waits.set(sessionId, left);
      else this.#waits.delete(sessionId);
    }
  }

  close(): void {
    this.#stop();
    for (const waits of this.#waits.values()) for (const wait of waits) clearTimeout(wait.timer);
    this.#waits.clear();
  }

  /** Runs the waits for `sessionId` (only `one`, when its time ran out). */
  #release(sessionId: string, one?: Wait): void {
    const waits = this.#waits.get(sessionId) ?? [];
    const going = one ? waits.filter((w) => w === one) : waits;
    const left = waits.filter((w) => !going.includes(w));
    if (left.length) this.#waits.set(sessionId, left);
    else this.#waits.delete(sessionId);
    for (const wait of going) {
      clearTimeout(wait.timer);
      wait.then();
    }
  }
}
