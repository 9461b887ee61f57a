// One heartbeat rule for every connection we keep (the page's socket, the exec adapters, the
// sandbox's exec transports): a peer is gone when it stayed silent while we were free to hear it,
// never because our own event loop was busy.
// A busy loop hurts a wall-clock heartbeat twice: its check runs late, in the timers phase, before
// the loop reads the sockets (the peer's answer may be sitting unread there), and a peer that
// shares our process (the sandbox, a test's client) could not answer at all while we were stuck.
// So silence is counted in checks, each worth one interval however late it ran (the stall is not
// counted), and a verdict of "gone" waits a few turns of our loop, each of which reads what has
// arrived: a live peer is heard by then; a stopped or cut-off one stays silent and is dropped.

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

/** Turns of our loop a suspected peer gets to be heard: one for a peer in our own process to read the ping, one for us to read its answer, one spare. */
export const VERDICT_TURNS = 3;

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #deadAfterMs: number;
  readonly #timer: ReturnType<typeof setInterval>;
  /** the connection just opened: that is as good as a word from the peer */
  #heard = true;
  #silentChecks = 0;
  #judging = false;
  #stopped = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    this.#deadAfterMs = options.deadAfterMs ?? options.intervalMs;
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
  }

  #check(): void {
    if (this.#judging) return;
    if (this.#takeHeard() || this.#options.holding?.()) this.#silentChecks = 0;
    else this.#silentChecks++;
    if (this.#silentChecks * this.#options.intervalMs >= this.#deadAfterMs) return this.#judge(VERDICT_TURNS);
    this.#options.ping();
  }

  /** Each setImmediate runs after a poll phase: what the peer sent by then has been read. */
  #judge(turns: number): void {
    this.#judging = true;
    setImmediate(() => {
      if (this.#stopped) return;
      if (this.#takeHeard() || this.#options.holding?.()) {
        this.#judging = false;
        this.#silentChecks = 0;
        return this.#options.ping();
      }
      if (turns > 1) return this.#judge(turns - 1);
      this.stop();
      this.#options.gone();
    });
  }

  #takeHeard(): boolean {
    const heard = this.#heard;
    this.#heard = false;
    return heard;
  }
}
