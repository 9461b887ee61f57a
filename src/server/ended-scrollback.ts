// The scrollbacks of ended terminals, bounded all told (docs/api.md, "Offsets, scrollback and
// reattach"). An ended terminal stays listed until its owner closes it (or --retain days pass),
// and only running ones count against --max-sessions: without a bound, anyone who opened terminals
// that printed their 1 MiB and ended, again and again, grew the server's memory without end.
//
// One budget for the whole server, so the bound holds however many people sign in; taken first
// from the person whose ended terminals hold the most, so one person's pile of ended terminals
// costs their own scrollback and never takes everyone else's (a budget per person would bound
// nothing: it grows with the people). In local mode there is one person: the oldest-ended simply
// go first. Of that person's, the oldest-ended terminal gives up its oldest bytes first, until the
// total fits: a terminal keeps what it ended with longest, and its offsets stay true, so an attach
// is told what is gone (`dropped`), as for any trimmed scrollback. A running terminal is never
// touched; one restarted leaves the set, as one closed does. What a scrollback holds is counted as
// it costs (its bytes, and each change of stream between them: scrollback.ts), so the budget
// bounds the memory however the output came.
import type { ExecSystem } from '../runtime/exec-system.ts';
import { RUN_ENDING_FACTS } from '../domain/run-endings.ts';
import { isEnded } from '../protocol/terminal-states.ts';
import type { Scrollback } from './scrollback.ts';

interface Ended {
  scrollback: Scrollback;
  /** whose it is: a team mode's user name, '' in local mode */
  person: string;
  /** its scrollback's cost as counted in the totals */
  counted: number;
}

interface Holder {
  bytes: number;
  /** this person's ended terminals that hold bytes, in the order they ended */
  holding: Map<string, Ended>;
}

export class EndedScrollbacks {
  readonly #ended = new Map<string, Ended>();
  /** the people whose ended terminals hold bytes */
  readonly #holders = new Map<string, Holder>();
  #bytes = 0;
  #told = false;

  constructor(
    readonly budget: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** what the ended terminals' scrollbacks cost, all told (their bytes, and each change of stream) */
  get bytes(): number {
    return this.#bytes;
  }

  /** What `person` holds in ended terminals. */
  heldBy(person: string): number {
    return this.#holders.get(person)?.bytes ?? 0;
  }

  /**
   * Told by the log which sessions end, run again or close; returns the way to stop. A close or a
   * restart says all from the entry. The ends of a step are looked up in the session list once,
   * after it (a read folds the entries not yet in the lists, which a burst folds once: read at
   * each end, the 1,000 ends of a stop-all cost 1,000 copies of a list of 1,000); in the meantime
   * their output is bounded by their own limit.
   */
  follow(system: ExecSystem, scrollbackOf: (sessionId: string) => Scrollback | undefined): () => void {
    const ending = new Set<string>();
    let soon: ReturnType<typeof setImmediate> | undefined;
    const look = () => {
      soon = undefined;
      const rows = system.sessionList.byId;
      for (const sessionId of ending) {
        const row = rows[sessionId];
        const scrollback = scrollbackOf(sessionId);
        if (row && scrollback && isEnded(row.state)) this.ended(sessionId, row.person?.user ?? '', scrollback);
      }
      ending.clear();
    };
    const unfollow = system.onEntry((entry) => {
      if (entry.type === 'session.closed' || entry.type === 'session.restarted') {
        ending.delete(entry.sessionId);
        this.left(entry.sessionId);
      } else if (RUN_ENDING_FACTS.has(entry.type) && 'sessionId' in entry) {
        ending.add(entry.sessionId);
        soon ??= setImmediate(look);
      }
    });
    return () => {
      unfollow();
      if (soon) clearImmediate(soon);
    };
  }

  /** The terminal ended (told again, it keeps its place: it ended then). */
  ended(sessionId: string, person: string, scrollback: Scrollback): void {
    let ended = this.#ended.get(sessionId);
    if (!ended) {
      scrollback.fit(); // it writes no more: its blocks need no room to grow
      ended = { scrollback, person, counted: 0 };
      this.#ended.set(sessionId, ended);
    }
    this.#count(sessionId, ended);
    this.#keepToBudget();
  }

  /** Output of a terminal after it ended (bytes in flight when it did): counted too. */
  grew(sessionId: string): void {
    const ended = this.#ended.get(sessionId);
    if (!ended) return;
    this.#count(sessionId, ended);
    this.#keepToBudget();
  }

  /** It runs again (a restart) or was closed: no longer counted. */
  left(sessionId: string): void {
    const ended = this.#ended.get(sessionId);
    if (!ended) return;
    this.#ended.delete(sessionId);
    this.#recount(sessionId, ended, 0);
  }

  #count(sessionId: string, ended: Ended): void {
    this.#recount(sessionId, ended, ended.scrollback.cost);
  }

  #recount(sessionId: string, ended: Ended, cost: number): void {
    const holder = this.#holders.get(ended.person) ?? { bytes: 0, holding: new Map<string, Ended>() };
    holder.bytes += cost - ended.counted;
    this.#bytes += cost - ended.counted;
    ended.counted = cost;
    if (cost === 0) holder.holding.delete(sessionId);
    else if (!holder.holding.has(sessionId)) holder.holding.set(sessionId, ended);
    if (holder.holding.size > 0) this.#holders.set(ended.person, holder);
    else this.#holders.delete(ended.person);
  }

  #keepToBudget(): void {
    while (this.#bytes > this.budget) {
      const [sessionId, oldest] = this.#biggestHolder().holding.entries().next().value!;
      oldest.scrollback.keepLast(Math.max(0, oldest.counted - (this.#bytes - this.budget)));
      oldest.scrollback.fit();
      this.#count(sessionId, oldest);
      if (this.#told) continue;
      this.#told = true;
      this.warn(`ended terminals hold more output than --ended-scrollback (${this.budget} bytes): the oldest-ended let their earliest output go, and an attach to one says how much is gone. Raise --ended-scrollback to keep more.`);
    }
  }

  #biggestHolder(): Holder {
    let biggest: Holder | undefined;
    for (const holder of this.#holders.values()) if (!biggest || holder.bytes > biggest.bytes) biggest = holder;
    return biggest!;
  }
}
