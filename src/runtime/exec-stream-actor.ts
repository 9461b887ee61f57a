// The actor a terminal invokes while it runs: opens an exec through an adapter, puts the stream
// on the data plane (its output a turn at a time: output-batch.ts), and tells the terminal only
// what it needs to decide (connected, activity, how the exec ended). Leaving the running state
// stops this actor, which ends the exec.
import { fromCallback } from 'xstate';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, ExecStream } from '../adapters/exec.ts';
import type { ExecStreamInput, StreamCommand, TerminalEvent } from '../machines/terminal.ts';
import type { Clock } from './clock.ts';
import type { TerminalIo } from './terminal-io.ts';
import { OutputBatch } from './output-batch.ts';
import { errorText } from './error-text.ts';
import { carryLostFailure } from './unanswered-input.ts';

export interface ExecStreamDeps {
  adapter: ExecAdapter;
  io: TerminalIo;
  clock: Clock;
  /** while a log is replayed, terminals must not open real streams */
  replaying(): boolean;
}

export function execStreamActor(deps: ExecStreamDeps) {
  return fromCallback<StreamCommand, ExecStreamInput>(({ input, sendBack, receive }) => {
    if (deps.replaying()) return;
    let stopped = false;
    let ended = false;
    const deliver = (event: TerminalEvent) => {
      if (stopped) return;
      // Timers due before this input fire first, so the log keeps the order replay reproduces.
      deps.clock.sync();
      sendBack(event);
    };
    const activity = lateActivity(deps.clock, input.idleNoticeMs, (event) => !stopped && sendBack(event));
    // Output is activity only while someone watches it (terminal-io.ts: outputCountsWhen): one
    // nobody sees times out as a quiet one does. What is logged is the activity, never who
    // watched: a replay decides the same without knowing.
    const seen = () => {
      if (deps.io.outputCounts(input.sessionId)) activity.happened();
    };
    const output = new OutputBatch((channel, chunk) => deps.io.output(input.sessionId, channel, chunk));
    // Adapters may report synchronously from open(), before `stream` is assigned.
    let stream: ExecStream | undefined;
    let isOpen = false;
    let attached = false;
    /** On the data plane once the exec runs (terminal-io.ts: attach), not while it connects. */
    const attach = () => {
      if (attached || !isOpen || ended || stopped || !stream) return;
      attached = true;
      if (deps.io.attach(input.sessionId, input.run, stream, () => activity.happened(), input.anotherShellIfMissing === true)) return;
      // the attempt before this one was missing, and more was typed meanwhile than is kept: it does not run without it
      attached = false; // never on the data plane: its end is a run's that never opened
      const refused = stream;
      listener.ended({ kind: 'failed', failure: carryLostFailure(input.target.container) });
      refused.close();
    };
    /**
     * Off the data plane: its stream's end, or the end of a run that never opened (what was held
     * for it goes). `missing`: the end said its program is not there. False when what was typed
     * into it should have gone on to the next attempt and was more than is kept.
     */
    let detached = false;
    const detach = (missing = false): boolean => {
      if (detached) return true;
      detached = true;
      if (attached && stream) return deps.io.detach(input.sessionId, stream, missing);
      deps.io.unopened(input.sessionId);
      return true;
    };
    const request: ExecRequest = {
      target: input.target,
      ...(input.person ? { person: input.person } : {}),
      argv: input.argv,
      tty: input.interactive,
      // an upload feeds tar's stdin without a terminal, as a client may feed a command's
      stdin: input.interactive || input.stdin === true || input.mode?.kind === 'upload',
      size: input.size,
      ...(input.mode ? { mode: input.mode } : {}),
    };
    const listener: ExecListener = {
      opened: (protocol, prepared) => {
        deliver({ type: 'CONNECTED', protocol, ...(prepared?.debugContainer ? { debugContainer: prepared.debugContainer } : {}) });
        activity.connected();
        isOpen = true;
        attach();
      },
      // activity is counted as each chunk comes: its time is the machine's, not the batch's
      stdout: (chunk) => {
        output.add('stdout', chunk);
        seen();
      },
      stderr: (chunk) => {
        output.add('stderr', chunk);
        seen();
      },
      ended: (end) => {
        if (ended) return; // refused as it attached (attach): its close is told once more
        output.flush(); // what it wrote goes before how it ended
        ended = true;
        // the machine tries the next shell on exactly this (an Auto attempt, attached `mayBeMissing`): what was typed into this one goes there, or, past what is kept, the run ends
        const carried = detach(end.kind === 'failed' && end.failure.reason === 'commandNotFound');
        activity.flush();
        deliver(carried ? eventFor(end) : { type: 'FAILED', failure: carryLostFailure(input.target.container) });
      },
    };
    try {
      stream = deps.adapter.open(request, listener);
    } catch (error) {
      // The seam promises an `ended`, but a library's adapter may throw instead: uncaught here it
      // would take the supervisor, and every later command, down with this run. It fails this run alone.
      if (!ended) listener.ended({ kind: 'failed', failure: { reason: 'unknown', message: `The exec could not be started: ${errorText(error)}` } });
      return;
    }
    attach(); // it opened inside open()
    const opened = stream;
    receive((command) => {
      if (command.type !== 'RESIZE') return;
      opened.resize({ cols: command.cols, rows: command.rows });
      output.flush(); // what was drawn at the old size goes before the resize
      deps.io.resized(input.sessionId, command.cols, command.rows);
    });
    return () => {
      stopped = true;
      output.flush(); // stopped (closed) with output still held: it goes before the stream closes
      activity.stop();
      detach();
      if (!ended) opened.close();
    };
  });
}

/**
 * Tells the machine about activity as late as its decisions allow: at once when it is idle (or
 * about to turn idle), otherwise once, 1 ms before its idle notice would fire, with how long ago
 * the latest activity was. A terminal busy for an hour makes about 60 log entries, not 3600, and
 * its idle timers still count from the real last keystroke or output that counted.
 */
function lateActivity(clock: Clock, idleNoticeMs: number, send: (event: TerminalEvent) => void) {
  let live = false;
  /** when the machine believes the latest activity happened (its idle timers count from here) */
  let told = 0;
  let pending: number | undefined;
  let check: number | undefined;
  const tell = (at: number) => {
    told = at;
    pending = undefined;
    send({ type: 'ACTIVITY', ...(clock.now() > at ? { quietMs: clock.now() - at } : {}) });
  };
  return {
    connected() {
      live = true;
      told = clock.now();
    },
    happened() {
      clock.sync(); // timers due before now fire first: the order replay reproduces
      const now = clock.now();
      // still connecting (the machine has no idle timers yet), or nothing new within this ms
      if (!live || now <= told) return;
      const lastCall = told + idleNoticeMs - 1;
      if (now >= lastCall) return tell(now);
      pending = now;
      check ??= clock.setInputTimeout(() => {
        check = undefined;
        if (pending !== undefined) tell(pending);
      }, lastCall - now);
    },
    /** The exec ended: what is still untold goes first, so the session list shows the real last activity. */
    flush() {
      clock.sync();
      if (pending !== undefined) tell(pending);
    },
    stop() {
      if (check !== undefined) clock.clearTimeout(check);
      check = undefined;
    },
  };
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
