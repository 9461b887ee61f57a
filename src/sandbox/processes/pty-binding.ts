// node-pty's native half, used directly. Its JS wrapper reads the master side until EIO, and
// on Linux EIO can arrive while the last output of an exiting process is still in the kernel's
// buffers, so the tail of the output is lost (seen here: 6 runs in 20 of `seq 1 5000` lost
// kilobytes). pty-process.ts keeps its own hold on the terminal and drains it; for that it
// needs the exit callback at reap time, which only the native fork gives.
import { createRequire } from 'node:module';
import process from 'node:process';

export interface NativePty {
  fork(
    file: string,
    args: string[],
    env: string[],
    cwd: string,
    cols: number,
    rows: number,
    uid: number,
    gid: number,
    utf8: boolean,
    helperPath: string,
    onExit: (code: number, signal: number) => void,
  ): { fd: number; pid: number; pty: string };
  resize(fd: number, cols: number, rows: number): void;
}

let binding: NativePty | undefined;

export function nativePty(): NativePty {
  // The same platform package node-pty itself loads its binary from.
  binding ??= createRequire(import.meta.url)(`@lydell/node-pty-${process.platform}-${process.arch}/pty.node`) as NativePty;
  return binding;
}
