// What ends a command whose output cannot be written. A reader that went away (`… | head -1`,
// `| grep -q`: EPIPE) ends it quietly with 141, as SIGPIPE ends kubectl and every other Unix
// tool; anything else (a full disk, a broken device) with one line on stderr and 1. Node turns
// both into an 'error' event on the stream, which, unheard, is a crash with a stack trace.
import process from 'node:process';

type Output = NodeJS.WriteStream;

/** A write's failure with no system call named: how Deno reports a write to stdout that failed at once. */
export const isOutputFailure = (error: unknown): error is NodeJS.ErrnoException => ['EPIPE', 'ENOSPC', 'EIO'].includes((error as { code?: unknown } | undefined)?.code as string);

export function endForOutputError(stream: Output, error: NodeJS.ErrnoException): never {
  if (error.code === 'EPIPE') process.exit(141);
  if (stream !== process.stderr) process.stderr.write(`octant-exec: cannot write its output: ${error.message}\n`);
  process.exit(1);
}

/**
 * For every command (main.ts). A command that has work to end first listens on the stream
 * itself (batch stops its execs; `terminal` says what it was doing): this one then stands aside.
 */
export function endOnOutputErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (stream.listenerCount('error') === 1) endForOutputError(stream, error);
    });
  }
}
