// This process's stdin to a session once it runs: keys from a terminal, or a pipe's bytes paced
// under the server's input rate (over it, the server drops input: a file piped in must arrive
// whole), the detach keys watched for when asked, and its end told. Past PENDING_HIGH waiting in
// the socket client (the server said to hold the session's input: its program does not read it; or
// a slow socket), stdin is read no further until under PENDING_LOW: a pipe into a program that
// does not read stays in the pipe, not in this process's memory.
import process from 'node:process';
import type { Readable } from 'node:stream';
import { DetachKeys } from './detach-keys.ts';

export interface StdinTarget {
  send(bytes: Uint8Array): void;
  /** what of it still waits to be sent (the socket client's inputPending) */
  pending(): number;
  /** stdin ended */
  end(): void;
  detach(): void;
}

export const PENDING_HIGH = 1024 * 1024;
const PENDING_LOW = 256 * 1024;
/** how often a held stdin looks whether what waits went */
const PENDING_POLL_MS = 50;

/** Half the server's input rate a second: bursts and the page's other sockets never meet its limit. */
export function pumpStdin(target: StdinTarget, options: { detachKeys: boolean; bytesPerSecond: number; stdin?: Readable }): () => void {
  const stdin = options.stdin ?? process.stdin;
  const keys = options.detachKeys ? new DetachKeys() : undefined;
  const budget = Math.max(1024, Math.floor(options.bytesPerSecond / 2));
  let windowStart = Date.now();
  let sent = 0;
  let resume: ReturnType<typeof setTimeout> | undefined;
  const whenSent = () => {
    if (target.pending() > PENDING_LOW) resume = setTimeout(whenSent, PENDING_POLL_MS);
    else stdin.resume();
  };
  const onData = (chunk: Buffer) => {
    const { send, detach } = keys ? keys.filter(chunk) : { send: chunk, detach: false };
    target.send(send);
    if (detach) return target.detach();
    if (target.pending() > PENDING_HIGH) {
      stdin.pause();
      resume = setTimeout(whenSent, PENDING_POLL_MS);
      return;
    }
    const now = Date.now();
    if (now - windowStart >= 1000) [windowStart, sent] = [now, 0];
    sent += send.length;
    if (sent < budget) return;
    stdin.pause();
    resume = setTimeout(() => {
      [windowStart, sent] = [Date.now(), 0];
      stdin.resume();
    }, 1000 - (now - windowStart));
  };
  const onEnd = () => target.end();
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  return () => {
    clearTimeout(resume);
    stdin.off('data', onData);
    stdin.off('end', onEnd);
  };
}
