// Deletes the debug copies (mode copy) this server made once their terminal is done with them:
// when the terminal is closed or times out (idle, or a deadline), and, at start, every copy the
// log still lists (the server stopped while they were open: nobody will close them now). Each
// delete is made as the person the copy was made for; one that fails is told, not retried.
import type { LogEntry } from '../events/log-entry.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { PodChanges } from '../adapters/pod-changes.ts';
import type { Person } from '../domain/person.ts';
import type { ExecTarget } from '../domain/target.ts';
import { errorText } from '../runtime/error-text.ts';

interface Copy {
  target: ExecTarget;
  person?: Person;
}

export class DebugCopies {
  /** the copy sessions known, by session id (a closed one is gone from the session list by the time its entry is heard) */
  readonly #copies = new Map<string, Copy>();
  readonly #stop: () => void;
  /** deletes under way, for close() and tests */
  readonly #deleting = new Set<Promise<void>>();
  /** why the copy of each terminal still listed was deleted, so a Restart can say so instead of failing on a missing pod */
  readonly #deleted = new Map<string, { pod: string; why: string }>();

  /** `sweep`: delete the copies the log lists now (a start on this server's own log; not a replica joining a shared one) */
  constructor(
    system: ExecSystem,
    private readonly pods: Pick<PodChanges, 'deleteCopy'>,
    private readonly warn: (message: string) => void,
    sweep: boolean,
  ) {
    const list = system.sessionList;
    for (const id of list.order) {
      const row = list.byId[id];
      if (row?.mode?.kind === 'copy') this.#copies.set(id, { target: row.target, ...(row.person ? { person: row.person } : {}) });
    }
    if (sweep) for (const id of [...this.#copies.keys()]) this.#delete(id, 'left over from before this start');
    this.#stop = system.onEntry((entry) => this.#heard(entry));
  }

  #heard(entry: LogEntry): void {
    if (entry.type === 'session.spawned' && entry.mode?.kind === 'copy') this.#copies.set(entry.sessionId, { target: entry.target, ...(entry.person ? { person: entry.person } : {}) });
    else if (entry.type === 'session.closed') {
      this.#delete(entry.sessionId, 'its terminal was closed');
      // a closed terminal never restarts: why its copy went is not kept (one entry per copy ever made)
      this.#deleted.delete(entry.sessionId);
    }
    else if (entry.type === 'session.timedOut') this.#delete(entry.sessionId, 'its terminal timed out');
  }

  #delete(sessionId: string, why: string): void {
    const copy = this.#copies.get(sessionId);
    if (!copy) return;
    this.#copies.delete(sessionId);
    const { context, namespace, pod } = copy.target;
    this.#deleted.set(sessionId, { pod, why });
    const deleting = this.pods
      .deleteCopy({ ...(context ? { context } : {}), namespace, pod }, copy.person)
      .catch((error) => this.warn(`the debug copy "${pod}" in namespace "${namespace}" (${why}) could not be deleted: ${errorText(error)}. Delete it with "kubectl delete pod -n ${namespace} ${pod}".`))
      .finally(() => this.#deleting.delete(deleting));
    this.#deleting.add(deleting);
  }

  /** Why a terminal cannot restart: its copy was deleted (undefined: it was not, or it is no copy). */
  restartRefusal(sessionId: string): string | undefined {
    const deleted = this.#deleted.get(sessionId);
    return deleted && `The debug copy "${deleted.pod}" was deleted (${deleted.why}), so this terminal cannot restart: close it and open a new Debug copy.`;
  }

  /** Resolves when the deletes under way have ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.#deleting]);
  }

  async close(): Promise<void> {
    this.#stop();
    await this.settled();
  }
}
