// The signal a long-running command (serve, sandbox) stops at. Listened for before the command
// says it is ready: a supervisor that reads the ready line and sends SIGTERM at once must get a
// clean stop, and until a listener exists the signal's default action kills the process outright
// (a replica's lease not given up, its state folder's lock left).
import process from 'node:process';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Starts listening now; resolves with the first SIGINT or SIGTERM, and stops listening then. */
export function stopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const stop = (name: StopSignal) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
