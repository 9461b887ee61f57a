// Replay: which logged facts were inputs to the actor system, and the event that reproduces each.
// Facts the machines derive themselves (spawned, connecting, idle, active, timed out, failed,
// stopped by a batch's cancel) are not fed back: replaying the inputs at their logged times makes
// the machines derive them again, which is how a replay proves the machines deterministic.
import type { SupervisorEvent } from '../machines/supervisor.ts';
import type { LogEntry } from './log-entry.ts';
import type { ServerFact } from '../machines/facts.ts';

export function inputOf(entry: LogEntry): SupervisorEvent | undefined {
  switch (entry.type) {
    case 'exec.requested':
    case 'exec.refused':
      return { type: 'EXEC', action: entry.action, containers: entry.containers };
    case 'batch.started':
      return { type: 'BATCH', action: entry.action, targets: entry.targets, skipped: entry.skipped, ...(entry.noIdleTimeout ? { noIdleTimeout: true as const } : {}) };
    case 'batch.stopped':
      // without keepsTerminals (an older build's cancel) the replay closes the running terminals, as that build did
      return { type: 'STOP_BATCH', batchId: entry.batchId, because: entry.because, ...(entry.by ? { by: entry.by } : {}), ...(entry.keepsTerminals ? { keepsTerminals: true as const } : {}) };
    case 'session.connected':
      return { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'CONNECTED', protocol: entry.protocol, ...(entry.debugContainer ? { debugContainer: entry.debugContainer } : {}) } };
    case 'session.activity':
      return { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'ACTIVITY', ...(entry.quietMs ? { quietMs: entry.quietMs } : {}) } };
    case 'session.attemptFailed':
      return { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'FAILED', failure: entry.failure } };
    case 'session.stopped':
      // an admin's end is an input (the API's); a cancel's stops are derived from batch.stopped
      return entry.because === 'endedByAdmin' ? { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'STOP', because: entry.because, ...(entry.by ? { by: entry.by } : {}) } } : undefined;
    case 'session.exited':
      return { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'EXITED', code: entry.code } };
    case 'session.disconnected':
      return { type: 'DELIVER', sessionId: entry.sessionId, event: { type: 'DISCONNECT', reason: entry.reason, ...(entry.detail ? { detail: entry.detail } : {}) } };
    case 'session.resized':
      return { type: 'RESIZE', sessionId: entry.sessionId, cols: entry.cols, rows: entry.rows };
    case 'session.restarted':
      return { type: 'RESTART', sessionId: entry.sessionId, ...(entry.counted ? { counted: true as const } : {}) };
    case 'session.restartRefused': // refused again on replay, like exec.refused
      return { type: 'RESTART', sessionId: entry.sessionId };
    case 'session.closed':
      // one closed past a person's ended-terminal limit closes so again, whatever the limit is now
      return { type: 'CLOSE', sessionId: entry.sessionId, ...(entry.freesSlot ? { freesSlot: true as const } : {}), ...(entry.because ? { because: entry.because, kept: entry.kept } : {}) };
    case 'share.created':
    case 'share.revoked':
    case 'share.claimed':
    case 'share.joined':
    case 'share.left':
    case 'share.roleChanged':
    case 'share.removed':
    case 'share.typed':
    case 'recording.wanted':
    case 'recording.started':
    case 'recording.stopped': {
      // the fact as the server decided it: the supervisor emits it again, and the replay matches it with the log
      const { seq: _seq, time: _time, ...fact } = entry;
      return { type: 'SERVER_FACT', fact: fact as ServerFact };
    }
    default:
      return undefined;
  }
}
