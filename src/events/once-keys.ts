// Facts that happen once, whoever writes them and however often: a shared store stores the first
// and leaves out any other with the same key (shared-store.ts, append), deciding it as it writes.
//
// A lost replica's terminal is ended (replicaLost) by the replica that claims it. Claimed again (a
// claimer lost or stopped before it settled its claim, the next one's lists behind what the first
// wrote), it would be ended again: a second alert to its owner, a second end in the log and the
// audit trail. The lost replica held the terminal from its start or adoption until it was lost,
// and never again (an id is not reused), so the pair names that one end: the same terminal
// adopted, restarted and lost with another replica ends again.
import type { UnnumberedEntry } from './shared-store.ts';

/** What `entry` happens once for, if it does; null for every other fact. */
export function onceKey(entry: UnnumberedEntry): string | null {
  if (entry.type === 'session.disconnected' && entry.reason === 'replicaLost' && entry.replica) return `replicaLost ${entry.replica} ${entry.sessionId}`;
  return null;
}
