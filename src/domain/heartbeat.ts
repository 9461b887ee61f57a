// One heartbeat rule for every connection we keep (the page's socket, the exec adapters, the
// sandbox's exec transports): a peer is gone when it stayed silent while we were free to hear it,
// never because our own event loop was busy.
// A busy loop hurts a wall-clock heartbeat twice: its check runs late, before the loop reads the
// sockets (the peer's answer may be sitting unread there), and a peer that shares our process
// (the sandbox, a test's client) could not answer at all while we were stuck. So silence is
// counted in checks, each worth one interval however late it ran (the stall is not counted), and
// a verdict of "gone" waits for a grace period that the loop spent free (its timer on time), then
// a short settle of several turns of the loop, each of which reads the sockets: an answer that
// arrived while the loop stalled across the grace's end, even one relayed over a few sockets in
// our process, is read by then, however the machine schedules us meanwhile. A live peer is heard;
// a stopped or cut-off one stays silent and is dropped.

export interface HeartbeatOptions {
  /** how often to check, pinging at each check */
  intervalMs: number;
  /** silence, counted as above, after which the peer is gone; default one interval: "no answer by the next ping" */
  deadAfterMs?: number;
  ping(): void;
  /** the peer stayed silent; called at most once, and the heartbeat stops */
  gone(): void;
  /** true while we hold our reading (flow control): the silence then is ours, not the peer's */
  holding?(): boolean;
}

/** The grace a suspected peer gets, at most: time for a peer in our process to answer and for us to read it. */
export const MAX_GRACE_MS = 1_000;
/**
 * A grace whose timer ran late (the loop stalled again) is given again, this many times at most:
 * a loop that never gets free still drops a dead peer.
 */
export const GRACE_RETRIES = 5;
/** The settle after the grace, as a share of the grace: idle time in which the loop polls its sockets. */
const SETTLE_SHARE = 0.2;
/**
 * The settle is this many short waits one after another, not one: a relayed answer needs a turn
 * of the loop per hop, and a process the machine did not run for longer than one wait (a busy
 * machine) finds that wait's timer due before it reads its sockets, but the next wait is a new
 * turn, which reads them first. A settle of time alone let an answer relayed over 8 sockets go
 * unread in 4 runs of 16 under twelve busy loops (tests/domain/heartbeat.test.ts). With every
 * turn's timer due at once (the loop held after each), Node read an answer relayed over 8
 * sockets at the 9th turn, every time, and Deno by the 5th: twenty leave room for twice that.
 */
const SETTLE_TURNS = 20;
/**
 * A turn lasts this long at least. With twenty turns of a millisecond (a 50 ms interval's), CI's
 * Deno run still read a relayed answer only after the verdict (2026-12-08): on a machine that
 * runs us late, a timer that short can come due again before the loop reads its sockets. Every
 * real connection's grace (1 s) makes its turns 10 ms; a short interval's settle is now longer.
 */
const MIN_TURN_MS = 5;

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #deadAfterMs: number;
  readonly #graceMs: number;
  /** one of the settle's turns */
  readonly #settleTurnMs: number;
  readonly #timer: ReturnType<typeof setInterval>;
  /** the connection just opened: that is as good as a word from the peer */
  #heard = true;
  #silentChecks = 0;
  #grace: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    this.#deadAfterMs = options.deadAfterMs ?? options.intervalMs;
    this.#graceMs = Math.min(options.intervalMs, MAX_GRACE_MS);
    this.#settleTurnMs = Math.max(MIN_TURN_MS, Math.round((this.#graceMs * SETTLE_SHARE) / SETTLE_TURNS));
    this.#timer = setInterval(() => this.#check(), options.intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Anything from the peer: a frame, a pong, a ping of its own. */
  heard(): void {
    this.#heard = true;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#grace);
  }

  #check(): void {
    if (this.#grace !== undefined) return; // a verdict is pending
    if (this.#alive()) this.#silentChecks = 0;
    else this.#silentChecks++;
    if (this.#silentChecks * this.#options.intervalMs >= this.#deadAfterMs) return this.#judge(GRACE_RETRIES);
    this.#options.ping();
  }

  #judge(retries: number): void {
    // A loop that stalled across the grace's end may run its timer before it reads what arrived
    // meanwhile (Deno and Node both can), and a relayed answer needs a turn per hop: the settle's
    // turns read it first.
    this.#waitFree(this.#graceMs, retries, () => this.#settle(SETTLE_TURNS, retries));
  }

  #settle(turns: number, retries: number): void {
    this.#waitFree(this.#settleTurnMs, retries, () => {
      if (turns > 1) return this.#settle(turns - 1, retries);
      this.stop();
      this.#options.gone();
    });
  }

  /**
   * Waits `ms` and then, unless the peer was heard, goes on to `then`; a wait whose timer ran
   * more than a grace late (the loop stalled again) starts the grace over, `retries` times at most.
   */
  #waitFree(ms: number, retries: number, then: () => void): void {
    const armed = performance.now();
    this.#wait(ms, () => {
      if (this.#spared()) return;
      const late = performance.now() - armed > ms + this.#graceMs;
      if (late && retries > 0) return this.#judge(retries - 1);
      then();
    });
  }

  /** Holds the verdict pending (checks wait for it) until `then`, unless stopped meanwhile. */
  #wait(ms: number, then: () => void): void {
    this.#grace = setTimeout(() => {
      this.#grace = undefined;
      if (!this.#stopped) then();
    }, ms);
    (this.#grace as { unref?: () => void }).unref?.();
  }

  /** The peer was heard after all: back to pinging. */
  #spared(): boolean {
    if (!this.#alive()) return false;
    this.#silentChecks = 0;
    this.#options.ping();
    return true;
  }

  #alive(): boolean {
    const heard = this.#heard;
    this.#heard = false;
    return heard || (this.#options.holding?.() ?? false);
  }
}
