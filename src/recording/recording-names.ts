// A recording's name: made by the server (the session id it gave out, the run, the time), never
// from anything a client sent, and never one it gave before: a run's second stream can open in
// the same millisecond as its first (an attempt said missing after its program ran), and the
// second recording must not take the first one's name (a file is made only where none is).

export class RecordingNames {
  /** the time in the last name given */
  #last = 0;

  /** A new recording's name: its time is `at`'s millisecond, or one past the last name's. */
  next(sessionId: string, run: number, at: number): string {
    this.#last = Math.max(Math.floor(at), this.#last + 1);
    return `${sessionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60)}-run${run}-${this.#last}.cast`;
  }
}
