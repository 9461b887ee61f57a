// Time for the actor system. Machines never read the time: their `after` timers go through
// this clock, and the event log stamps facts with `now()`.
//
// VirtualClock fires timers strictly in due order, stepping to each due time (xstate's
// SimulatedClock jumps straight to the target, so a timer armed by another timer's firing
// would start late). RealTimeClock drives the same virtual time from the wall clock: before any
// input reaches the actors, `sync()` fires every timer already due, stamped with its due time.
// So the order of facts in a live log is exactly the order a replay at the logged times
// reproduces, even when the process was too busy to fire a timer on time. A replay feeds an
// input logged at time T after every timer due by T; an input the runtime itself sends at a set
// time (setInputTimeout) is therefore fired after the ordinary timers due at that time too.

export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): number;
  clearTimeout(id: unknown): void;
  /** bring virtual time up to date (no-op for a manual clock) */
  sync(): void;
  /** like setTimeout, for a callback that sends an input: it runs after every ordinary timer due by then */
  setInputTimeout(fn: () => void, ms: number): number;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
  input: boolean;
}

export class VirtualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): number {
    return this.#arm(fn as () => void, ms, false);
  }

  setInputTimeout(fn: () => void, ms: number): number {
    return this.#arm(fn, ms, true);
  }

  #arm(fn: () => void, ms: number, input: boolean): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn, input });
    this.timersChanged();
    return id;
  }

  clearTimeout(id: unknown): void {
    if (this.#timers.delete(id as number)) this.timersChanged();
  }

  sync(): void {}

  /** Move time forward to `time`, firing every timer due on the way, each at its due time. */
  advanceTo(time: number): void {
    for (let next = this.nextDue(); next !== undefined && next.due <= time; next = this.nextDue()) {
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = Math.max(this.#now, time);
    this.timersChanged();
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Whether a timer is due at or before `time` (a snapshot is only taken when none is due by now). */
  hasTimerDueBy(time: number): boolean {
    const next = this.nextDue();
    return next !== undefined && next.due <= time;
  }

  /** The earliest pending timer (ties: ordinary timers before input timers, then the one armed first). */
  protected nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (!best || timer.due < best.due || (timer.due === best.due && best.input && !timer.input)) best = timer;
    }
    return best;
  }

  protected timersChanged(): void {}
}

/** The longest delay a JavaScript timer takes (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real timers a RealTimeClock uses (the global ones; tests look at what it asks for). */
export interface RealTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Virtual time driven by the wall clock, and never backwards: the log's times only go forward. A
 * wall clock behind virtual time (put back: this machine's clock was ahead when the log, or its
 * snapshot, was written) does not stop it; virtual time then goes on at the real pace (the
 * monotonic clock) until the wall clock is ahead again, so an idle timeout still fires after its
 * 300 s rather than once the wall clock has caught up with the log (a year later, for a clock a
 * year ahead).
 */
export class RealTimeClock extends VirtualClock {
  #wake: unknown;
  #wakeAt = Infinity;
  /** the monotonic clock's reading when virtual time was last brought up to date */
  #syncedAt: number;

  constructor(
    private readonly wallClock: () => number = Date.now,
    start = wallClock(),
    private readonly timers: RealTimers = { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (id) => globalThis.clearTimeout(id as number) },
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    super(start);
    this.#syncedAt = monotonic();
  }

  override sync(): void {
    this.advanceTo(this.#current());
  }

  /** Also what a replay calls, stepping to each entry's time: the real time it took is not time gone by on top of the log's. */
  override advanceTo(time: number): void {
    this.#syncedAt = this.monotonic();
    super.advanceTo(time);
  }

  /** How far the wall clock is behind virtual time (0 when it is not). */
  behindBy(): number {
    return Math.max(0, this.now() - this.wallClock());
  }

  /** Virtual time as of this moment: the wall clock's, or while that is behind, the last synced time moved on by the real time since. */
  #current(): number {
    const wall = this.wallClock();
    const now = this.now();
    return wall >= now ? wall : now + Math.max(0, this.monotonic() - this.#syncedAt);
  }

  // Keep one real timer armed for the earliest virtual one. One further away than a real timer
  // can wait (a far deadline) wakes at the longest wait, finds nothing due, and is armed again for
  // the rest.
  protected override timersChanged(): void {
    const due = this.nextDue()?.due ?? Infinity;
    if (due === this.#wakeAt) return;
    if (this.#wake !== undefined) this.timers.clearTimeout(this.#wake);
    this.#wake = undefined;
    this.#wakeAt = due;
    if (due === Infinity) return;
    this.#wake = this.timers.setTimeout(() => {
      this.#wakeAt = Infinity;
      this.#wake = undefined;
      this.sync();
    }, Math.min(MAX_TIMER_MS, Math.max(0, due - this.#current())));
    // Timers alone never keep the process alive: servers and sockets do.
    (this.#wake as { unref?: () => void }).unref?.();
  }
}
