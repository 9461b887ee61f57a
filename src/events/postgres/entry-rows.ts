// Entries as rows: the seq in its own column, the rest of the entry as JSON text in `body`
// (type and time copied beside it, for a person reading the table). A row is checked as a line of
// the file log is (checked-lines.ts): one written by another version, or edited by hand, that is
// not the shape of its type is skipped and named, never handed to the projections to crash every
// replica's start.
import type { Pool, PoolClient } from 'pg';
import { checkEntry } from '../checked-lines.ts';
import type { LogEntry } from '../log-entry.ts';
import type { UnnumberedEntry } from '../shared-store.ts';
import type { TailPage } from './tail.ts';

export interface EntryRow {
  /** bigint comes back as a string */
  seq: string;
  body: string;
}

/** A page of entries, through the seq of the last row read (damaged or not): the next page starts after it. */
type EntryPage = TailPage<LogEntry>;

/** told of each row skipped, with what is wrong with it */
export type RowDamage = (seq: number, problem: string) => void;

const unsaid: RowDamage = () => {};

export function bodyOf(entry: UnnumberedEntry | LogEntry): string {
  const { seq: _seq, ...rest } = entry as LogEntry;
  return JSON.stringify(rest);
}

function entryOf(row: EntryRow): LogEntry | string {
  let body: unknown;
  try {
    body = JSON.parse(row.body);
  } catch {
    return 'its body is not JSON';
  }
  return checkEntry(typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, seq: Number(row.seq) } : body);
}

async function readPage(db: Pool | PoolClient, after: number, limit: number, damaged: RowDamage): Promise<EntryPage & { full: boolean }> {
  const { rows } = await db.query<EntryRow>('SELECT seq, body FROM entries WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit]);
  const items: LogEntry[] = [];
  for (const row of rows) {
    const checked = entryOf(row);
    if (typeof checked === 'string') damaged(Number(row.seq), checked);
    else items.push(checked);
  }
  return { items, through: rows.length ? Number(rows[rows.length - 1].seq) : after, full: rows.length === limit };
}

/** Up to `limit` entries with seq > `after`, oldest first; fewer only at the end of the log. */
export async function readEntries(db: Pool | PoolClient, after: number, limit: number, damaged = unsaid): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (;;) {
    const page = await readPage(db, after, limit - entries.length, damaged);
    entries.push(...page.items);
    if (!page.full || entries.length === limit) return entries;
    after = page.through;
  }
}

/** Every entry with seq > `after`, a page at a time. */
export async function* entriesAfter(db: Pool | PoolClient, after: number, damaged = unsaid, size = 1_000): AsyncGenerator<EntryPage> {
  for (;;) {
    const page = await readPage(db, after, size, damaged);
    if (page.through > after) yield { items: page.items, through: page.through };
    if (!page.full) return;
    after = page.through;
  }
}
