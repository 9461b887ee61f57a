// Which alerts were dismissed, kept so a reload does not bring them back: in this browser tab's
// sessionStorage, and for an alert on a batch alone (an admin stopped a batch of this person's
// while none of its commands ran) in the browser's localStorage too, shared by its tabs. A
// terminal's alerts go from the server's list when the terminal is closed or restarted; a batch
// alone has nothing to close, and its alert would otherwise come back in every new tab until 200
// newer ones pushed it out. The lists are untrusted (another version of the page, a hand edit):
// numbers only.
import type { Alert } from '../../src/protocol/index.ts';

const DISMISSED_KEY = 'octant-exec.dismissed-alerts';
const BATCH_ALERTS_KEY = 'octant-exec.dismissed-batch-alerts';

/** how many dismissals are kept: the newest (as many as the server keeps alerts on batches alone) */
const KEEP = 200;

/** Where the dismissals are kept: this tab's storage, and the browser's. */
export interface DismissalStorage {
  storage?: Storage;
  preferenceStorage?: Storage;
}

export function readDismissed({ storage, preferenceStorage }: DismissalStorage): number[] {
  return [...new Set([...readList(storage, DISMISSED_KEY), ...readList(preferenceStorage, BATCH_ALERTS_KEY)])];
}

/**
 * Keeps this tab's dismissals, and its batch alerts' in the browser's list beside the other tabs'
 * (read again first: another tab may have added one). Only with `prune`, right after a fresh list
 * from the server, is a dismissal of an alert the server no longer lists forgotten there: this
 * tab's list may be stale (its socket down since before another tab's alert came), and judging
 * the other tabs' dismissals by it would drop theirs.
 */
export function saveDismissed({ dismissed, alerts }: { dismissed: readonly number[]; alerts: readonly Alert[] }, { storage, preferenceStorage }: DismissalStorage, { prune = false } = {}): void {
  writeList(storage, DISMISSED_KEY, dismissed);
  if (!preferenceStorage) return;
  const onBatches = new Set(alerts.filter((alert) => alert.batchId !== undefined).map((alert) => alert.id));
  const shared = readList(preferenceStorage, BATCH_ALERTS_KEY);
  const kept = [...(prune ? shared.filter((id) => onBatches.has(id)) : shared), ...dismissed.filter((id) => onBatches.has(id))];
  writeList(preferenceStorage, BATCH_ALERTS_KEY, [...new Set(kept)]);
}

function readList(storage: Storage | undefined, key: string): number[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === 'number') : [];
  } catch {
    return [];
  }
}

function writeList(storage: Storage | undefined, key: string, list: readonly number[]): void {
  try {
    storage?.setItem(key, JSON.stringify(list.slice(-KEEP)));
  } catch {
    // storage disabled: dismissal lasts until reload
  }
}
