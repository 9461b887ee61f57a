// The signal a long-running command (serve, sandbox) stops at. Listened for from before its start:
// a supervisor that sends SIGTERM while the command starts, or as soon as it reads the ready line,
// must get a clean stop, and until a listener exists the signal's default action kills the process
// outright (a replica's lease not given up, its state folder's lock left, no line saying so).
// Only the first signal is taken: after it, a signal ends the process at once (exit 128 + its
// number, as a shell reports a death by it), so a person whose Ctrl-C waits on a slow start (a page
// build, a database that does not answer) or a slow close can always quit.
import process from 'node:process';

export type StopSignal = 'SIGINT' | 'SIGTERM';

const NUMBERS: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15 };

export interface StopSignals {
  /** Resolves with the first SIGINT or SIGTERM. */
  readonly first: Promise<StopSignal>;
  /** The first signal, once it came. */
  readonly received: StopSignal | undefined;
  /** From now on a signal ends the process at once: it is stopping already, for another reason. */
  quitOnNext(): void;
}

/** Listens from now on; `onFirst` hears the first signal as it comes. */
export function stopSignals(onFirst: (signal: StopSignal) => void = () => {}): StopSignals {
  let received: StopSignal | undefined;
  let quitting = false;
  let heard: (signal: StopSignal) => void = () => {};
  const first = new Promise<StopSignal>((resolve) => (heard = resolve));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (quitting) process.exit(128 + NUMBERS[signal]);
      quitting = true;
      received = signal;
      onFirst(signal);
      heard(signal);
    });
  }
  return {
    first,
    get received() {
      return received;
    },
    quitOnNext: () => void (quitting = true),
  };
}
