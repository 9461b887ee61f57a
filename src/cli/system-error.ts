// The system's refusal of something a flag named (EACCES, ENOENT, EADDRINUSE, …): its message
// says what and where in one line; where that alone does not say what to do, a few words more.
import { isAbsolute, relative } from 'node:path';

export type SystemError = Error & { code: string; syscall: string };

export const isSystemError = (error: unknown): error is SystemError =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { syscall?: unknown }).syscall === 'string';

/** The refusal, and for a port that cannot be listened on, the one flag to change. */
export function systemErrorLine(error: SystemError): string {
  if (error.syscall === 'listen' && error.code === 'EADDRINUSE') return `${error.message}: another program listens there; give another --port (0 picks a free one)`;
  if (error.syscall === 'listen' && error.code === 'EACCES' && (error as { port?: number }).port! < 1024) return `${error.message}: ports under 1024 need privileges; give a --port of 1024 or more (0 picks a free one)`;
  // deploy/'s manifests listen on `::` (IPv6 and IPv4 alike): a node booted without IPv6 has no such family
  if (error.syscall === 'listen' && error.code === 'EAFNOSUPPORT') return `${error.message}: this machine has no IPv6; give --host 0.0.0.0 to listen on IPv4 only`;
  return error.message;
}

/**
 * A start's failure in one line: the system's refusal as above, anything else as it says itself.
 * A refusal inside the state directory says whose it is to fix: the top folder is checked before
 * the start (state-dir.ts), but a folder inside it left behind by a run as root, or a file system
 * mounted read-only, is only met when something is written there.
 */
export function failureLine(error: unknown, stateDir?: string): string {
  if (!isSystemError(error)) return (error as Error).message;
  const path = (error as { dest?: string }).dest ?? (error as { path?: string }).path;
  if (stateDir && path && within(stateDir, path)) {
    if (error.code === 'EROFS') return `${error.message}: the state directory ${stateDir} is on a read-only file system; give a --state-dir where you may write`;
    if (error.code === 'EACCES' || error.code === 'EPERM') return `${error.message}: part of the state directory ${stateDir} is not this user's to write; run as its owner (a run as root leaves files root's: chown -R them back), or give another --state-dir`;
  }
  return systemErrorLine(error);
}

const within = (folder: string, path: string) => {
  const inside = relative(folder, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
};
