// Entries as rows: the seq in its own column, the rest of the entry as JSON text in `body`
// (type and time copied beside it, for a person reading the table).
import type { Pool, PoolClient } from 'pg';
import type { LogEntry } from '../log-entry.ts';
import type { UnnumberedEntry } from '../shared-store.ts';

export interface EntryRow {
  /** bigint comes back as a string */
  seq: string;
  body: string;
}

export function bodyOf(entry: UnnumberedEntry | LogEntry): string {
  const { seq: _seq, ...rest } = entry as LogEntry;
  return JSON.stringify(rest);
}

export function entryOf(row: EntryRow): LogEntry {
  return { ...JSON.parse(row.body), seq: Number(row.seq) } as LogEntry;
}

/** entries with seq > `after`, at most `limit`, oldest first */
export async function readEntries(db: Pool | PoolClient, after: number, limit: number): Promise<LogEntry[]> {
  const { rows } = await db.query<EntryRow>('SELECT seq, body FROM entries WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit]);
  return rows.map(entryOf);
}

/** Every entry with seq > `after`, a page at a time. */
export async function* entriesAfter(db: Pool | PoolClient, after: number, page = 1_000): AsyncGenerator<LogEntry[]> {
  for (;;) {
    const entries = await readEntries(db, after, page);
    if (entries.length) yield entries;
    if (entries.length < page) return;
    after = entries[entries.length - 1].seq;
  }
}
