// The session list: every terminal that is not closed, as the tabs and the Terminals page show it.
import { describeCommand, type ActionMode, type ExecCommand } from '../../domain/exec-action.ts';
import type { Person } from '../../domain/person.ts';
import type { ExecFailure, ExecTarget, TerminalSize } from '../../domain/target.ts';
import type { DisconnectReason, StopReason } from '../../machines/facts.ts';
import type { Projection } from '../projection.ts';
import { noteBatchCancel, stopperOf, type HoldsBatchCancels } from './batch-cancels.ts';
import { isRunning, type TerminalState } from '../../protocol/terminal-states.ts';

/** A terminal's state as the list shows it (src/protocol/terminal-states.ts). */
export type SessionState = TerminalState;

export interface SessionRow {
  sessionId: string;
  requestId: string;
  target: ExecTarget;
  command: ExecCommand;
  /** short text for a tab: the shell or the command line */
  label: string;
  interactive: boolean;
  /** no terminal, but stdin */
  stdin?: true;
  requestedBy: string;
  /** team mode: whom it runs for, its owner */
  person?: Person;
  /** the replica that holds its exec stream, when several share one log */
  replica?: string;
  /** debug, copy, attach, upload or download; absent: a plain exec */
  mode?: ActionMode;
  state: SessionState;
  run: number;
  /** what the current attempt runs */
  argv: string[];
  protocol?: string;
  /** mode debug: the ephemeral container its latest run connected to */
  debugContainer?: string;
  exitCode?: number;
  failure?: ExecFailure;
  disconnectReason?: DisconnectReason;
  disconnectDetail?: string;
  /** stopped: why its run was ended on purpose (its batch was cancelled, or an admin ended it) */
  stopReason?: StopReason;
  /** stopped: who, when known: the admin who ended it (`endedByAdmin`), or who cancelled its batch (`batchCancelled`, in a team mode: its owner or an admin) */
  stoppedBy?: string;
  /** timedOut: idle past its idle timeout, or run past a batch's deadline, and after how long (absent in rows of older snapshots: idle) */
  timeout?: { cause: 'idle' | 'deadline'; afterMs: number };
  size?: TerminalSize;
  /** absent: quiet never ends it (a batch's run) */
  idleTimeoutMs?: number;
  startedAt: number;
  lastActivityAt: number;
  endedAt?: number;
  /** the current run's recording (docs/recordings.md): on while it is written; absent: not recorded */
  recording?: RowRecording;
  /** its owner asked for its runs to be recorded (--record opt-in), until they turn it off */
  recordWanted?: true;
}

/** What every viewer's tab shows of a recording: a badge while on, and why it stopped. */
export interface RowRecording {
  run: number;
  on: boolean;
  /** why it stopped (absent while on, or when the run ended before the recorder said so) */
  stopped?: 'ended' | 'limit' | 'user' | 'failed';
  /** its size when it stopped */
  bytes?: number;
  /** keystrokes are recorded too (--record-input): everyone who can type must be told */
  input?: true;
}

export interface SessionList extends HoldsBatchCancels {
  /** in the order they were opened */
  order: string[];
  byId: Record<string, SessionRow>;
}

export const sessionListProjection: Projection<SessionList> = {
  initial: () => ({ order: [], byId: {} }),
  apply(draft, entry) {
    if (entry.type === 'session.spawned') {
      draft.order.push(entry.sessionId);
      draft.byId[entry.sessionId] = {
        sessionId: entry.sessionId,
        requestId: entry.requestId,
        target: entry.target,
        command: entry.command,
        label: describeCommand(entry.command),
        interactive: entry.interactive,
        ...(entry.stdin ? { stdin: true as const } : {}),
        requestedBy: entry.requestedBy,
        ...(entry.person ? { person: entry.person } : {}),
        ...(entry.replica ? { replica: entry.replica } : {}),
        ...(entry.mode ? { mode: entry.mode } : {}),
        state: 'connecting',
        run: 1,
        argv: [],
        ...(entry.idleTimeoutMs !== undefined ? { idleTimeoutMs: entry.idleTimeoutMs } : {}),
        startedAt: entry.time,
        lastActivityAt: entry.time,
      };
      return;
    }
    noteBatchCancel(draft, entry);
    if (!('sessionId' in entry)) return;
    const row = draft.byId[entry.sessionId];
    if (!row) return;
    const end = (state: SessionState) => {
      row.state = state;
      row.endedAt = entry.time;
      // a run that ends is recorded no more (the recorder's stop, with the size, may come after)
      if (row.recording) row.recording.on = false;
    };
    switch (entry.type) {
      case 'session.connecting':
        Object.assign(row, { state: 'connecting', run: entry.run, argv: entry.argv });
        break;
      case 'session.connected':
        Object.assign(row, { state: 'interactive', protocol: entry.protocol, lastActivityAt: entry.time, ...(entry.debugContainer ? { debugContainer: entry.debugContainer } : {}) });
        break;
      case 'session.activity':
        row.lastActivityAt = entry.time - (entry.quietMs ?? 0);
        break;
      case 'session.active':
        row.state = 'interactive';
        break;
      case 'session.idle':
        row.state = 'idle';
        break;
      case 'session.resized':
        row.size = { cols: entry.cols, rows: entry.rows };
        break;
      case 'session.timedOut':
        end('timedOut');
        row.timeout = { cause: entry.cause, afterMs: entry.afterMs };
        break;
      case 'session.exited':
        end('exited');
        row.exitCode = entry.code;
        break;
      case 'session.failed':
        end('failed');
        row.failure = entry.failure;
        break;
      case 'session.disconnected':
        end('disconnected');
        row.disconnectReason = entry.reason;
        row.disconnectDetail = entry.detail;
        break;
      case 'session.stopped':
        end('stopped');
        row.stopReason = entry.because;
        // a batch's run: its request is the batch
        const by = stopperOf(draft, entry, row.requestId);
        if (by) row.stoppedBy = by;
        break;
      case 'session.restarted':
        Object.assign(row, { state: 'connecting', run: entry.run, startedAt: entry.time, lastActivityAt: entry.time });
        delete row.endedAt;
        delete row.exitCode;
        delete row.failure;
        delete row.disconnectReason;
        delete row.disconnectDetail;
        delete row.stopReason;
        delete row.stoppedBy;
        delete row.timeout;
        delete row.recording;
        break;
      case 'recording.wanted':
        if (entry.on) row.recordWanted = true;
        else delete row.recordWanted;
        break;
      case 'recording.started':
        row.recording = { run: entry.run, on: true, ...(entry.input ? { input: true as const } : {}) };
        break;
      case 'recording.stopped':
        if (row.recording?.run === entry.run) row.recording = { run: entry.run, on: false, stopped: entry.reason, bytes: entry.bytes, ...(row.recording.input ? { input: true as const } : {}) };
        break;
      case 'session.adopted':
        row.replica = entry.replica;
        break;
      case 'session.closed':
        delete draft.byId[entry.sessionId];
        draft.order.splice(draft.order.indexOf(entry.sessionId), 1);
        break;
    }
  },
};

export function sessionRows(list: SessionList): SessionRow[] {
  return list.order.map((id) => list.byId[id]);
}

/** Whether the terminal's exec runs now (connecting, interactive or idle). */
export function runs(row: SessionRow): boolean {
  return isRunning(row.state);
}
