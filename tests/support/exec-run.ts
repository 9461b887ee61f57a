// Runs one exec through an ExecAdapter and collects what it reports, for the adapter tests.
import { Buffer } from 'node:buffer';
import type { ExecAdapter, ExecEnd, ExecRequest, ExecStream } from '../../src/adapters/exec.ts';

export interface Run {
  stream: ExecStream;
  ended: Promise<ExecEnd>;
  stdout(): Buffer;
  stderr(): string;
  protocol(): string;
}

export function runExec(adapter: ExecAdapter, request: Partial<ExecRequest> & { argv: string[] }, onOpen: (stream: ExecStream) => void = () => {}): Run {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let protocol = '';
  let stream!: ExecStream;
  const ended = new Promise<ExecEnd>((resolve) => {
    stream = adapter.open(
      { target: { namespace: 'default', pod: 'web', container: 'nginx' }, tty: false, stdin: false, ...request },
      {
        opened: (p) => {
          protocol = p;
          onOpen(stream);
        },
        stdout: (chunk) => stdout.push(Buffer.from(chunk)),
        stderr: (chunk) => stderr.push(Buffer.from(chunk)),
        ended: resolve,
      },
    );
  });
  return { stream, ended, stdout: () => Buffer.concat(stdout), stderr: () => Buffer.concat(stderr).toString(), protocol: () => protocol };
}
