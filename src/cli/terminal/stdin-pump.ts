// This process's stdin to a session once it runs: keys from a terminal, or a pipe's bytes paced
// under the server's input rate (over it, the server drops input: a file piped in must arrive
// whole), the detach keys watched for when asked, and its end told.
import process from 'node:process';
import { DetachKeys } from './detach-keys.ts';

export interface StdinTarget {
  send(bytes: Uint8Array): void;
  /** stdin ended */
  end(): void;
  detach(): void;
}

/** Half the server's input rate a second: bursts and the page's other sockets never meet its limit. */
export function pumpStdin(target: StdinTarget, options: { detachKeys: boolean; bytesPerSecond: number }): () => void {
  const keys = options.detachKeys ? new DetachKeys() : undefined;
  const budget = Math.max(1024, Math.floor(options.bytesPerSecond / 2));
  let windowStart = Date.now();
  let sent = 0;
  let resume: ReturnType<typeof setTimeout> | undefined;
  const onData = (chunk: Buffer) => {
    const { send, detach } = keys ? keys.filter(chunk) : { send: chunk, detach: false };
    target.send(send);
    if (detach) return target.detach();
    const now = Date.now();
    if (now - windowStart >= 1000) [windowStart, sent] = [now, 0];
    sent += send.length;
    if (sent < budget) return;
    process.stdin.pause();
    resume = setTimeout(() => {
      [windowStart, sent] = [Date.now(), 0];
      process.stdin.resume();
    }, 1000 - (now - windowStart));
  };
  const onEnd = () => target.end();
  process.stdin.on('data', onData);
  process.stdin.on('end', onEnd);
  return () => {
    clearTimeout(resume);
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
  };
}
