// Snapshots in the store: the newest SNAPSHOTS_KEPT are kept. A start takes the newest one whose
// format the caller accepts, that parses, and that compaction has not gone past (the entries it
// stands on would be gone), then every entry after it, damaged rows skipped and said.
import type { Pool } from 'pg';
import { damageWarning, type LogDamage, type LogEntry } from '../log-entry.ts';
import type { SharedStart } from '../shared-store.ts';
import { SNAPSHOTS_KEPT, type Snapshot } from '../store.ts';
import { entriesAfter } from './entry-rows.ts';
import { withTransaction } from './transaction.ts';

export function putSnapshot(pool: Pool, snapshot: Snapshot): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query(
      'INSERT INTO snapshots (seq, format, time, state) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO UPDATE SET format = EXCLUDED.format, time = EXCLUDED.time, state = EXCLUDED.state',
      [snapshot.seq, snapshot.format, snapshot.time, JSON.stringify(snapshot.state)],
    );
    await client.query('DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT $1)', [SNAPSHOTS_KEPT]);
  });
}

/** The snapshots a start may begin from, newest first, each parsed only when reached; what is wrong with the others is said. */
async function* usableSnapshots(pool: Pool, acceptFormat: (format: number) => boolean, warn: (message: string) => void): AsyncGenerator<Snapshot> {
  const { rows } = await pool.query<{ seq: string; format: number; time: string; state: string; usable: boolean }>(
    'SELECT s.seq, s.format, s.time, s.state, s.seq >= m.compacted_through AS usable FROM snapshots s, meta m ORDER BY s.seq DESC',
  );
  for (const row of rows) {
    if (!row.usable || !acceptFormat(row.format)) continue;
    try {
      yield { seq: Number(row.seq), format: row.format, time: Number(row.time), state: JSON.parse(row.state) };
    } catch (error) {
      warn(`snapshot ${row.seq} in the store is skipped: ${(error as Error).message}`);
    }
  }
}

/** The second newest usable snapshot's seq: compaction goes no further, so a start keeps one to fall back on. */
export async function compactionBase(pool: Pool, acceptFormat: (format: number) => boolean, warn: (message: string) => void): Promise<number | undefined> {
  let usable = 0;
  for await (const snapshot of usableSnapshots(pool, acceptFormat, warn)) if (++usable === 2) return snapshot.seq;
  return undefined;
}

/**
 * Throws when the log was compacted and no snapshot covers it: replaying what compaction left
 * would bring back a history with its ended terminals and audit records missing, and say nothing.
 */
export async function readStart(pool: Pool, acceptFormat: (format: number) => boolean, warn: (message: string) => void): Promise<SharedStart> {
  let snapshot: Snapshot | undefined;
  for await (const usable of usableSnapshots(pool, acceptFormat, warn)) {
    snapshot = usable;
    break;
  }
  if (!snapshot) {
    const { rows } = await pool.query<{ through: string }>('SELECT compacted_through AS through FROM meta');
    const through = Number(rows[0]?.through ?? 0);
    if (through > 0) {
      throw new Error(
        `the event log in the database was compacted through entry ${through}, and no snapshot of a format this octant-exec reads covers it: run the octant-exec that wrote it, or restore the snapshots table from a backup. Nothing was changed.`,
      );
    }
  }
  const entries: LogEntry[] = [];
  const damage: LogDamage[] = [];
  const damaged = (seq: number, problem: string) => {
    damage.push({ seq, problem });
    warn(damageWarning({ seq, problem }));
  };
  for await (const page of entriesAfter(pool, snapshot?.seq ?? 0, damaged)) entries.push(...page.items);
  return { snapshot, entries, damage };
}
