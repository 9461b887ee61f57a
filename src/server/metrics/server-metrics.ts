// What an operator watches a team's server by (docs/operations.md, "Metrics"): its terminals by
// state, the runs it started and how they ended, the bytes it carried, the pages connected, its
// batches, whether its event log can be written, and what the process costs. Only counts: no
// person, pod or command is ever a label (a scrape is not signed in, and names would grow the
// series without bound). Where replicas share a log, each counts what it holds (the runs it
// started or took over, its own pages' sockets), so a sum over the replicas counts each once.
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { ENDED_STATES, TERMINAL_STATES, type EndedState } from '../../protocol/terminal-states.ts';
import type { Family } from './exposition.ts';
import { ProcessMetrics } from './process-metrics.ts';

/** The facts that end a run, and how: the state each leaves its terminal in, or closed while it ran. */
const RUN_ENDS: Record<string, EndedState | 'closed'> = {
  'session.exited': 'exited',
  'session.failed': 'failed',
  'session.timedOut': 'timedOut',
  'session.disconnected': 'disconnected',
  'session.stopped': 'stopped',
  'session.closed': 'closed',
};

export class ServerMetrics {
  readonly #process = new ProcessMetrics();
  /** the runs this server started (or restarted after taking the terminal over) and has not seen end */
  readonly #running = new Set<string>();
  #runsStarted = 0;
  readonly #runsEnded = new Map<EndedState | 'closed', number>([...ENDED_STATES, 'closed' as const].map((how) => [how, 0]));
  #outputBytes = 0;
  #inputBytes = 0;
  readonly #stop: (() => void)[];

  constructor(
    private readonly system: ExecSystem,
    private readonly hub: { readonly pageCount: number },
  ) {
    this.#stop = [
      system.onEntry((entry) => {
        if (!('sessionId' in entry)) return;
        if ((entry.type === 'session.spawned' || entry.type === 'session.restarted') && this.#mine(entry.sessionId)) {
          this.#runsStarted++;
          this.#running.add(entry.sessionId);
          return;
        }
        // told after the lists took the entry: a closed terminal's row is gone by now, so ends are known by run, not by row
        const how = RUN_ENDS[entry.type];
        if (how && this.#running.delete(entry.sessionId)) this.#runsEnded.set(how, this.#runsEnded.get(how)! + 1);
      }),
      // only this process's streams reach its io: each byte is counted by the replica that carried it
      system.io.listen({
        output: (_sessionId, _channel, chunk) => void (this.#outputBytes += chunk.length),
        input: (_sessionId, data) => void (this.#inputBytes += data.length),
      }),
    ];
  }

  /** Whether this server holds the terminal's row: always, unless replicas share the log and another runs it (or ran it last). */
  #mine(sessionId: string): boolean {
    const replica = this.system.shared?.replica.id;
    return replica === undefined || this.system.sessionList.byId[sessionId]?.replica === replica;
  }

  families(): Family[] {
    const byState = new Map<string, number>(TERMINAL_STATES.map((state) => [state, 0]));
    const list = this.system.sessionList;
    for (const id of list.order) if (this.#mine(id)) byState.set(list.byId[id].state, byState.get(list.byId[id].state)! + 1);
    const replica = this.system.shared?.replica.id;
    const batches = Object.values(this.system.batches.byId).filter((batch) => batch.state === 'running' && (replica === undefined || batch.replica === replica));
    const logDown = this.system.alerts.list.some((alert) => alert.kind === 'storage');
    return [
      { name: 'octant_exec_terminals', help: 'Terminals listed that this server runs or ran last (file copies too, as the Terminals page lists them), by state (an ended one stays until it is closed).', type: 'gauge', samples: [...byState].map(([state, value]) => ({ labels: { state }, value })) },
      { name: 'octant_exec_runs_started_total', help: 'Runs started: terminals opened (file copies too), and restarted.', type: 'counter', samples: [{ value: this.#runsStarted }] },
      { name: 'octant_exec_runs_ended_total', help: 'Runs ended, by how: the state they left their terminal in, or closed while running.', type: 'counter', samples: [...this.#runsEnded].map(([how, value]) => ({ labels: { how }, value })) },
      { name: 'octant_exec_output_bytes_total', help: "Bytes the containers' programs wrote to terminals (stdout and stderr; file downloads are not counted).", type: 'counter', samples: [{ value: this.#outputBytes }] },
      { name: 'octant_exec_input_bytes_total', help: "Bytes sent to the containers' programs (keystrokes, pastes, file uploads).", type: 'counter', samples: [{ value: this.#inputBytes }] },
      { name: 'octant_exec_page_sockets', help: "Sockets open to pages and clients (the stream of terminal bytes; another replica's relays are not counted).", type: 'gauge', samples: [{ value: this.hub.pageCount }] },
      { name: 'octant_exec_batches_running', help: "Batches running (the page's Run in all containers, POST /api/v1/batches).", type: 'gauge', samples: [{ value: batches.length }] },
      { name: 'octant_exec_event_log_writable', help: 'Whether the event log is written now (1), or writing it fails and entries wait in memory (0).', type: 'gauge', samples: [{ value: logDown ? 0 : 1 }] },
      ...this.#process.families(),
    ];
  }

  close(): void {
    for (const stop of this.#stop) stop();
    this.#process.close();
  }
}
