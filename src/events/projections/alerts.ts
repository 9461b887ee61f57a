// Alerts: what a user must be told without looking: a terminal timed out, lost its connection,
// could not start, or was ended by an admin (or its batch stopped by one). Closing the terminal retires its alerts, and so does restarting it: what
// they said is over once it runs again. A batch stopped by an admin while none of its commands ran
// has no terminal to tell it on: that alert is the batch's own (`batchId`), the latest ones kept.
// (One more kind, `storage`, is not from the log: the system raises it while the log cannot be written.)
import type { ExecTarget } from '../../domain/target.ts';
import type { Projection } from '../projection.ts';

export interface Alert {
  /** the seq of the entry that raised it (0: none, for `storage`) */
  id: number;
  /** '' for `storage`, and for an alert on a batch alone */
  sessionId: string;
  /** an alert on a batch alone (stopped by an admin while none of its commands ran): its owner's */
  batchId?: string;
  kind: 'timedOut' | 'disconnected' | 'failed' | 'refused' | 'ended' | 'storage';
  target?: ExecTarget;
  message: string;
  at: number;
}

export interface Alerts {
  list: Alert[];
  targets: Record<string, ExecTarget>;
  /** a batch's run (until closed): its batch; absent in older snapshots */
  batchOf?: Record<string, string>;
  /**
   * a batch until it finishes: its owner, and who stopped it when that was someone else (news to
   * them, once: `told` when a run's alert said it), leaving how many never to start (absent in an
   * older snapshot's); absent in older snapshots
   */
  batches?: Record<string, { owner: string; stoppedBy?: string; notStarted?: number; told?: true }>;
}

/** alerts on batches alone kept, the newest (as many as the batches kept, batches.ts: one whose batch is gone is shown to nobody) */
export const BATCH_ALERTS_KEPT = 200;

export const alertsProjection: Projection<Alerts> = {
  initial: () => ({ list: [], targets: {}, batchOf: {}, batches: {} }),
  apply(draft, entry) {
    const raise = (sessionId: string, kind: Alert['kind'], message: string) => {
      const target = draft.targets[sessionId];
      draft.list.push({ id: entry.seq, sessionId, kind, target, message, at: entry.time });
    };
    const where = (sessionId: string) => {
      const target = draft.targets[sessionId];
      return target ? `${target.namespace}/${target.pod} (${target.container})` : sessionId;
    };
    switch (entry.type) {
      case 'session.spawned':
        draft.targets[entry.sessionId] = entry.target;
        if (entry.batchId) (draft.batchOf ??= {})[entry.sessionId] = entry.batchId;
        break;
      case 'batch.started':
        (draft.batches ??= {})[entry.batchId] = { owner: entry.action.person?.user ?? entry.action.requestedBy };
        break;
      case 'batch.stopped': {
        // a cancel of their own batch is the owner's doing: only someone else's (an admin's) is news to them;
        // the first stop stands (one logged again, by a lost replica's second claimer, finds nothing left to start)
        const batch = draft.batches?.[entry.batchId];
        if (batch && !batch.stoppedBy && entry.because === 'cancelled' && entry.by && entry.by !== batch.owner) Object.assign(batch, { stoppedBy: entry.by, notStarted: entry.notStarted.length });
        break;
      }
      case 'batch.finished': {
        // still untold: the stop ended none of its runs (none ran: its queue waited on its owner's limit)
        const batch = draft.batches?.[entry.batchId];
        if (batch?.stoppedBy && !batch.told) {
          // (an older snapshot's stop did not keep how many never started)
          const never = batch.notStarted === undefined ? '' : ` (${batch.notStarted} never started)`;
          const message = `Batch ${entry.batchId} was stopped by ${batch.stoppedBy}, an admin of octant-exec, while none of its commands was running: nothing more of it starts${never}.`;
          draft.list.push({ id: entry.seq, sessionId: '', batchId: entry.batchId, kind: 'ended', message, at: entry.time });
          const onBatches = draft.list.filter((alert) => alert.batchId !== undefined);
          if (onBatches.length > BATCH_ALERTS_KEPT) draft.list.splice(draft.list.indexOf(onBatches[0]), 1);
        }
        delete draft.batches?.[entry.batchId];
        break;
      }
      case 'session.timedOut':
        raise(
          entry.sessionId,
          'timedOut',
          entry.cause === 'idle'
            ? `The terminal in ${where(entry.sessionId)} was idle for ${Math.round(entry.afterMs / 1000)} s and has been ended. Its output is kept; restart it to continue.`
            : `The command in ${where(entry.sessionId)} ran longer than its ${Math.round(entry.afterMs / 1000)} s timeout and has been ended.`,
        );
        break;
      case 'session.disconnected':
        raise(entry.sessionId, 'disconnected', `The terminal in ${where(entry.sessionId)} lost its connection (${disconnectText[entry.reason]}${entry.detail ? `: ${entry.detail}` : ''}). ${whatIsLeft[entry.reason]}`);
        break;
      case 'session.stopped': {
        if (entry.because === 'endedByAdmin') raise(entry.sessionId, 'ended', `The terminal in ${where(entry.sessionId)} was ended by ${entry.by ? `${entry.by}, ` : ''}an admin of octant-exec. Its output is kept.`);
        // the first run its batch's stop ends says it, for the whole batch
        const batchId = draft.batchOf?.[entry.sessionId];
        const batch = batchId === undefined ? undefined : draft.batches?.[batchId];
        if (entry.because !== 'batchCancelled' || !batch?.stoppedBy || batch.told) break;
        raise(entry.sessionId, 'ended', `Batch ${batchId} was stopped by ${batch.stoppedBy}, an admin of octant-exec: nothing more of it starts, and its running commands were ended (the one in ${where(entry.sessionId)} among them). Their output is kept.`);
        batch.told = true;
        break;
      }
      case 'session.failed':
        raise(entry.sessionId, 'failed', `The terminal in ${where(entry.sessionId)} could not start: ${entry.failure.message}`);
        break;
      case 'session.restartRefused':
        // a restart of a running terminal is answered to the one who asked, and changes nothing to alert about
        if (entry.because === 'running') break;
        // asked again and again while full (each a 429): the latest refusal stands for the earlier ones, so the list stays bounded
        draft.list = draft.list.filter((alert) => alert.sessionId !== entry.sessionId || alert.kind !== 'refused');
        raise(entry.sessionId, 'refused', entry.message);
        break;
      case 'session.restarted':
        draft.list = draft.list.filter((alert) => alert.sessionId !== entry.sessionId);
        break;
      case 'session.closed':
        draft.list = draft.list.filter((alert) => alert.sessionId !== entry.sessionId);
        delete draft.targets[entry.sessionId];
        delete draft.batchOf?.[entry.sessionId];
        break;
    }
  },
};

/** Why a terminal was disconnected, in words: alerts and batch results say it so. */
export const disconnectText = {
  streamDropped: 'the stream to the cluster dropped',
  serverShutdown: 'octant-exec was stopped',
  restarted: 'octant-exec restarted',
  podDeleted: 'the pod was deleted',
  replicaLost: 'the octant-exec replica that held it stopped answering',
} as const;

/** What is left of a disconnected terminal: its output stays only with the server that held it, while that server runs. */
const whatIsLeft = {
  streamDropped: 'Its output is kept; restart it to reconnect.',
  serverShutdown: 'Its output went with the server; restart it to run it again.',
  restarted: 'Its output went with the server; restart it to run it again.',
  podDeleted: 'Its output is kept; restart it once the pod is back.',
  replicaLost: 'Its output went with that replica; restart it to run it again.',
} as const satisfies Record<keyof typeof disconnectText, string>;
