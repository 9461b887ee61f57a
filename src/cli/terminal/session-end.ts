// How a terminal ended, as its session row tells it, turned into this command's exit: the
// remote command's exit code, or 1 with the sentence that says what happened.
import type { SessionRow } from '../../protocol/index.ts';
import { serverText } from '../server/server-client.ts';

export interface Outcome {
  code: number;
  /** for stderr, when the end needs saying */
  sentence?: string;
}

const disconnected: Record<string, string> = {
  streamDropped: 'the connection to the container dropped',
  serverShutdown: 'the octant-exec server shut down',
  restarted: 'the octant-exec server restarted',
  podDeleted: 'the pod was deleted',
  replicaLost: 'the octant-exec replica that held it went away',
};

export function outcomeOf(row: SessionRow): Outcome {
  switch (row.state) {
    case 'exited':
      return { code: validCode(row.exitCode) };
    case 'failed':
      return { code: 1, sentence: typeof row.failure?.message === 'string' && row.failure.message ? serverText(row.failure.message) : 'it failed (the server gave no reason)' };
    case 'timedOut':
      return { code: 1, sentence: 'it was idle past its timeout and was ended' };
    case 'disconnected': {
      const reason = row.disconnectReason;
      const why = typeof reason === 'string' && Object.hasOwn(disconnected, reason) ? disconnected[reason] : 'it was disconnected';
      return { code: 1, sentence: typeof row.disconnectDetail === 'string' && row.disconnectDetail ? `${why}: ${serverText(row.disconnectDetail)}` : why };
    }
    case 'stopped':
      return { code: 1, sentence: stoppedSentence(row) };
    default:
      return { code: 1, sentence: `it is still ${row.state}` };
  }
}

/** Why a run was stopped on purpose; a reason a newer server has is only "stopped". */
function stoppedSentence(row: SessionRow): string {
  if (row.stopReason === 'batchCancelled') return 'it was stopped: its batch was cancelled';
  if (row.stopReason === 'endedByAdmin') return `it was ended by ${typeof row.stoppedBy === 'string' && row.stoppedBy ? `${serverText(row.stoppedBy)}, ` : ''}an admin of octant-exec`;
  return 'it was stopped';
}

/** An exit status a process can have; anything else from a server is not believed. */
function validCode(code: unknown): number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255 ? code : code === undefined ? 0 : 1;
}
