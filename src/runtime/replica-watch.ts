// Each replica keeps an eye on the others through the shared log: every few seconds it asks the
// store for replicas whose lease ran out (the store hands each to one replica only, which writes
// what became of its terminals and batches: replicaLost, then tells the store that is stored;
// until then the claim comes back, and goes to another replica if this one is lost in turn) and
// for the live ones (where each can be reached).
import type { ReplicaInfo, SharedStore } from '../events/shared-store.ts';
import { errorText } from './error-text.ts';
import type { ExecSystem } from './exec-system.ts';

/** A lost replica is noticed within its lease (10 s) plus this: under the 15 s the terminals' viewers are promised. */
export const WATCH_EVERY_MS = 2_000;

export class ReplicaWatch {
  #live = new Map<string, ReplicaInfo>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking: Promise<void> | undefined;
  #problem: string | undefined;
  /** claimed replicas whose terminals and batches this replica ended, until the store has it */
  #unsettled = new Set<string>();

  constructor(
    private readonly system: ExecSystem,
    private readonly store: SharedStore,
    private readonly warn: (message: string) => void,
    private readonly everyMs = WATCH_EVERY_MS,
  ) {}

  /** Looks once now (so the directory is known before the first request), then every `everyMs`. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.everyMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** One look; never two at once. */
  tick(): Promise<void> {
    return (this.#ticking ??= this.#look().finally(() => (this.#ticking = undefined)));
  }

  async #look(): Promise<void> {
    if (!this.store.available) return;
    try {
      // Just back from an outage, this replica judges nobody for a lease period: the others were
      // cut off too, maybe, and get that long to renew before they are taken for lost.
      const judging = Date.now() - this.store.answeringSince() >= this.store.leaseMs;
      for (const lost of judging ? await this.store.claimLostReplicas() : []) {
        this.#live.delete(lost.id); // at once: nothing is sent there any more
        if (this.#unsettled.has(lost.id)) continue; // its terminals' and batches' ends are appended, and wait to be stored
        const ended = this.system.shared?.endRunsOf(lost, this.system, Date.now()) ?? { terminals: [], batches: [] };
        this.#unsettled.add(lost.id);
        const [whose, more] = lost.claimedFrom ? [`${lost.id}'s`, ' more'] : ['its', ''];
        const said = `${ended.terminals.length}${more} of ${whose} terminals are marked disconnected${ended.batches.length ? `, and ${ended.batches.length}${more} of ${whose} batches ended` : ''}`;
        // handed on from a lost claimer: most often that claimer had written it all, and there is nothing to say
        if (!lost.claimedFrom) this.warn(`replica ${lost.id} (${lost.advertise}) stopped answering: ${said}`);
        else if (ended.terminals.length || ended.batches.length) this.warn(`replica ${lost.claimedFrom} was lost while it took over from replica ${lost.id} (${lost.advertise}): ${said}`);
      }
      this.#live = new Map((await this.store.liveReplicas()).map((replica) => [replica.id, replica]));
      if (this.#unsettled.size) {
        // Settled only once stored: until then the claims come back, and go to another replica if this one is lost.
        const settling = [...this.#unsettled];
        await this.system.settled();
        await this.store.settleLostReplicas(settling);
        for (const id of settling) this.#unsettled.delete(id);
      }
      this.#problem = undefined;
    } catch (error) {
      const problem = errorText(error);
      if (problem !== this.#problem) this.warn(`cannot look at the other replicas (${problem}); trying again every ${this.everyMs / 1000} s`);
      this.#problem = problem;
    }
  }

  /** A live replica, as of the last look. */
  live(id: string): ReplicaInfo | undefined {
    return this.#live.get(id);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
  }
}
