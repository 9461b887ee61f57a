// The facts that end a terminal's run: it exited, failed, timed out, was disconnected, or was
// stopped (its batch cancelled). (A close ends a running one too, and the terminal with it; those
// who care say so beside this.)
// One list for the supervisor (which sessions run), the live runs a snapshot keeps, and
// compaction (which activity is over).
export const RUN_ENDING_FACTS: ReadonlySet<string> = new Set(['session.exited', 'session.failed', 'session.timedOut', 'session.disconnected', 'session.stopped']);
