// The signal a long-running command (serve, sandbox) stops at. Listened for from before its start:
// a supervisor that sends SIGTERM while the command starts, or as soon as it reads the ready line,
// must get a clean stop, and until a listener exists the signal's default action kills the process
// outright (a replica's lease not given up, its state folder's lock left, no line saying so).
// Only the first signal is taken: listening stops at it, so a second one has its default effect
// and the process dies of it (as a shell loop around the command needs to see, to stop too) — a
// person whose Ctrl-C waits on a slow start (a page build, a database that does not answer) or a
// slow close can always quit. SIGHUP (the terminal it runs in closed, an ssh session dropped) stops
// it the same way: by default it killed the process with its sandbox's pods and its lock left.
// Stopped, the command dies of a SIGHUP rather than exit (stoppedBy).
import process from 'node:process';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopSignals {
  /** Resolves with the first SIGINT, SIGTERM or SIGHUP. */
  readonly first: Promise<StopSignal>;
  /** The start has ended; true when no signal came during it, so the command may say it is ready. */
  started(): boolean;
  /** Stops listening: the command is stopping for another reason, and a signal ends it at once. */
  forget(): void;
}

/** Listens from now on; a signal before `started()` is said at once on stderr, after `prefix`. */
export function stopSignals(prefix: string): StopSignals {
  let starting = true;
  let received: StopSignal | undefined;
  let heard: (signal: StopSignal) => void = () => {};
  const first = new Promise<StopSignal>((resolve) => (heard = resolve));
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      forget();
      received = signal;
      if (starting) console.error(`${prefix}: ${signal} while starting: stopping once the start ends (a second signal quits at once)`);
      heard(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const forget = () => listeners.forEach(([signal, listener]) => process.off(signal, listener));
  return {
    first,
    started() {
      starting = false;
      return received === undefined;
    },
    forget,
  };
}

/**
 * What a command stopped cleanly by `signal` exits with (once it has stopped listening): 0, but a
 * hangup is died of, as its default would. Its terminal is gone, and Node's normal exit resets the
 * terminal's modes and aborts when it cannot (an assertion failed, SIGABRT, a core file).
 */
export function stoppedBy(signal: StopSignal): number {
  if (signal === 'SIGHUP') process.kill(process.pid, 'SIGHUP');
  return 0;
}
