// The Inspector's data: the event log (fetched page by page, then only what is new) and the live
// actor snapshots. It refetches when the socket says something changed, never on a timer, and
// never runs two fetches at once (a change during a fetch asks for one more round).
import { project } from '../../src/events/projection.ts';
import { sessionListProjection } from '../../src/events/projections/session-list.ts';
import type { Api } from '../protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { ActorSnapshots, LogEntry, SessionList } from '../../src/protocol/index.ts';
import { Store } from './store.ts';

export interface InspectorState {
  entries: LogEntry[];
  snapshots?: ActorSnapshots;
  loading: boolean;
  error?: string;
}

export class InspectorFeed {
  readonly store = new Store<InspectorState>({ entries: [], loading: false });
  readonly #api: Api;
  #active = 0;
  #running = false;
  #again = false;

  constructor(api: Api, socket: SocketClient) {
    this.#api = api;
    socket.onMessage((message) => {
      if (this.#active > 0 && (message.type === 'session' || message.type === 'sessionClosed' || message.type === 'alerts' || message.type === 'batch' || message.type === 'hello')) void this.refresh();
    });
  }

  /** The Inspector is on screen: keep the feed current until the returned function is called. */
  activate(): () => void {
    this.#active++;
    void this.refresh();
    return () => {
      this.#active--;
    };
  }

  async refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.store.update(() => ({ loading: true }));
    try {
      do {
        this.#again = false;
        let entries = this.store.get().entries;
        for (;;) {
          const page = await this.#api.events(entries.at(-1)?.seq ?? 0, 1000);
          entries = entries.concat(page.entries);
          if (page.next === null) break;
        }
        const snapshots = await this.#api.snapshots();
        this.store.update(() => ({ entries, snapshots, error: undefined }));
      } while (this.#again);
    } catch (error) {
      this.store.update(() => ({ error: (error as Error).message }));
    } finally {
      this.#running = false;
      this.store.update(() => ({ loading: false }));
    }
  }
}

/** The session list as it was just after the entry `seq`: the server's own projection, replayed here. */
export function sessionListAt(entries: LogEntry[], seq: number): SessionList {
  return project(sessionListProjection, entries.filter((entry) => entry.seq <= seq));
}
