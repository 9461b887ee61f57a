// One append transaction: the replica's lease checked and held, seqs taken from the head row
// (locked until COMMIT, so seqs commit in order and a reader of `seq > last` never skips one
// committed later with a smaller seq), the rows inserted, and the tailers woken, all or nothing.
// Each entry carries (replica, local number): a retry after a COMMIT whose answer was lost
// inserts nothing twice, and leaves a gap in seq instead. A fact that happens once (once-keys.ts)
// and is stored already, by any replica, is left out the same way: a unique index decides it.
import type { Pool } from 'pg';
import { onceKey } from '../once-keys.ts';
import type { UnnumberedEntry } from '../shared-store.ts';
import { bodyOf } from './entry-rows.ts';
import { holdLease } from './leases.ts';
import { withTransaction } from './transaction.ts';

/** the channel appends notify on; the payload is the last seq written */
export const ENTRIES_CHANNEL = 'octant_entries';

export interface Numbered {
  /** 1, 2, 3… per replica, in append order */
  localNo: number;
  entry: UnnumberedEntry;
}

/** The seq of the batch's last entry as stored, or 'lease lost' having written nothing. */
export function appendBatch(pool: Pool, replica: string, batch: Numbered[]): Promise<number | 'lease lost'> {
  return withTransaction(pool, async (client) => {
    if (!(await holdLease(client, replica))) return 'lease lost';
    const { rows } = await client.query<{ seq: string }>('UPDATE head SET seq = seq + $1 RETURNING seq', [batch.length]);
    const through = Number(rows[0].seq);
    const first = through - batch.length + 1;
    const inserted = await client.query(
      `INSERT INTO entries (seq, replica, local_no, time, type, body, once)
       SELECT seq, $1, local_no, time, type, body, once FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS t(seq, local_no, time, type, body, once)
       ON CONFLICT DO NOTHING`,
      [replica, batch.map((_, i) => first + i), batch.map((b) => b.localNo), batch.map((b) => b.entry.time), batch.map((b) => b.entry.type), batch.map((b) => bodyOf(b.entry)), batch.map((b) => onceKey(b.entry))],
    );
    await client.query('SELECT pg_notify($1, $2)', [ENTRIES_CHANNEL, String(through)]);
    if (inserted.rowCount === batch.length) return through;
    // A retry (some of the batch is already stored, under the seqs its first attempt took), or a fact stored once already.
    const stored = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM entries WHERE replica = $1 AND local_no = ANY($2::bigint[])', [replica, batch.map((b) => b.localNo)]);
    return Number(stored.rows[0].seq ?? 0);
  });
}
