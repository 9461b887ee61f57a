// The actor a terminal invokes while it runs: opens an exec through an adapter, puts the stream
// on the data plane, and tells the terminal only what it needs to decide (connected, activity,
// how the exec ended). Leaving the running state stops this actor, which ends the exec.
import { fromCallback } from 'xstate';
import type { ExecAdapter, ExecEnd, ExecStream } from '../adapters/exec.ts';
import type { ExecStreamInput, StreamCommand, TerminalEvent } from '../machines/terminal.ts';
import type { Clock } from './clock.ts';
import type { TerminalIo } from './terminal-io.ts';

export interface ExecStreamDeps {
  adapter: ExecAdapter;
  io: TerminalIo;
  clock: Clock;
  /** at most one ACTIVITY per session per this many ms: keeps the log small, idle timing exact to this */
  activityIntervalMs: number;
  /** while a log is replayed, terminals must not open real streams */
  replaying(): boolean;
}

export function execStreamActor(deps: ExecStreamDeps) {
  return fromCallback<StreamCommand, ExecStreamInput>(({ input, sendBack, receive }) => {
    if (deps.replaying()) return;
    let stopped = false;
    let ended = false;
    let lastActivity = -Infinity;
    const deliver = (event: TerminalEvent) => {
      if (stopped) return;
      // Timers due before this input fire first, so the log keeps the order replay reproduces.
      deps.clock.sync();
      sendBack(event);
    };
    const active = () => {
      deps.clock.sync();
      if (deps.clock.now() - lastActivity < deps.activityIntervalMs) return;
      lastActivity = deps.clock.now();
      deliver({ type: 'ACTIVITY' });
    };
    // Adapters may report synchronously from open(), before `stream` is assigned.
    let stream: ExecStream | undefined;
    stream = deps.adapter.open(
      { target: input.target, argv: input.argv, tty: input.interactive, stdin: input.interactive, size: input.size },
      {
        opened: (protocol) => deliver({ type: 'CONNECTED', protocol }),
        stdout: (chunk) => {
          deps.io.output(input.sessionId, 'stdout', chunk);
          active();
        },
        stderr: (chunk) => {
          deps.io.output(input.sessionId, 'stderr', chunk);
          active();
        },
        ended: (end) => {
          ended = true;
          if (stream) deps.io.detach(input.sessionId, stream);
          deliver(eventFor(end));
        },
      },
    );
    if (!ended) deps.io.attach(input.sessionId, stream, active);
    const opened = stream;
    receive((command) => {
      if (command.type === 'RESIZE') opened.resize({ cols: command.cols, rows: command.rows });
    });
    return () => {
      stopped = true;
      deps.io.detach(input.sessionId, opened);
      if (!ended) opened.close();
    };
  });
}

function eventFor(end: ExecEnd): TerminalEvent {
  switch (end.kind) {
    case 'exited':
      return { type: 'EXITED', code: end.code };
    case 'failed':
      return { type: 'FAILED', failure: end.failure };
    case 'dropped':
      return { type: 'DISCONNECT', reason: 'streamDropped', detail: end.reason };
  }
}
