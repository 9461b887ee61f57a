// Stdout for a command that prints many lines (log export, log verify): it waits while a slow
// reader makes stdout buffer, and notes when the reader went away (`… | head`: EPIPE), so the
// command stops quietly instead of dying of an unhandled error.
import process from 'node:process';
import { endForOutputError } from './output-errors.ts';

export class Stdout {
  gone = false;
  #wake: (() => void) | undefined;

  constructor() {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') endForOutputError(process.stdout, error);
      this.gone = true;
      this.#wake?.();
    });
  }

  write(text: string): Promise<void> {
    if (text === '' || this.gone || process.stdout.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      process.stdout.once('drain', () => resolve());
    });
  }
}
