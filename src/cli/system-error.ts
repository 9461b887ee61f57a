// The system's refusal of something a flag named (EACCES, ENOENT, EADDRINUSE, …): its message
// says what and where in one line; where that alone does not say what to do, a few words more.

export type SystemError = Error & { code: string; syscall: string };

export const isSystemError = (error: unknown): error is SystemError =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { syscall?: unknown }).syscall === 'string';

/** The refusal, and for a port that cannot be listened on, the one flag to change. */
export function systemErrorLine(error: SystemError): string {
  if (error.syscall === 'listen' && error.code === 'EADDRINUSE') return `${error.message}: another program listens there; give another --port (0 picks a free one)`;
  if (error.syscall === 'listen' && error.code === 'EACCES' && (error as { port?: number }).port! < 1024) return `${error.message}: ports under 1024 need privileges; give a --port of 1024 or more (0 picks a free one)`;
  return error.message;
}

/** A start's failure in one line: the system's refusal as above, anything else as it says itself. */
export function failureLine(error: unknown): string {
  return isSystemError(error) ? systemErrorLine(error) : (error as Error).message;
}
