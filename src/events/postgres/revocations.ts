// Signed-out sign-in sessions in the store (SharedStore.revokeSignIn). A sign-out is written in
// one transaction that takes its number from the head row (locked until COMMIT, so numbers commit
// in order and the tail's `no > last` never skips one), forgets the sign-outs whose sessions have
// ended, and wakes every replica's tail. Writing the same session twice (a retry after a lost
// answer) stores it once. A person-wide sign-out (src/server/auth/revocations.ts) is kept under the
// person's key: a later one of the same person, which ends later, replaces it and takes a new
// number, so every replica's tail reads it again.
//
// Until written they wait here, as entries wait in the write queue: a sign-out while PostgreSQL
// does not answer is written when it answers again, unless its session has ended meanwhile.
import type { Pool } from 'pg';
import type { RevokedSignIn } from '../shared-store.ts';
import type { Availability } from './availability.ts';
import type { TailPage } from './tail.ts';
import { withTransaction } from './transaction.ts';

export const REVOCATIONS_CHANNEL = 'octant_revocations';
/** Kept this long past their expiry, for a replica whose clock runs behind the database's. */
const CLOCK_SLACK_MS = 60_000;
const PAGE = 1_000;

export interface StoredRevocation extends RevokedSignIn {
  no: number;
}

export function storeRevocations(pool: Pool, revoked: RevokedSignIn[]): Promise<void> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ no: string }>('UPDATE revocation_head SET no = no + $1 RETURNING no', [revoked.length]);
    const first = Number(rows[0].no) - revoked.length + 1;
    await client.query(
      `INSERT INTO revocations (no, id_hash, expires_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) ON CONFLICT (id_hash) DO UPDATE SET no = EXCLUDED.no, expires_at = EXCLUDED.expires_at WHERE revocations.expires_at < EXCLUDED.expires_at`,
      [revoked.map((_, i) => first + i), revoked.map((r) => r.idHash), revoked.map((r) => r.expiresAt)],
    );
    await client.query(`DELETE FROM revocations WHERE expires_at < (extract(epoch FROM now()) * 1000)::bigint - $1`, [CLOCK_SLACK_MS]);
    await client.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, '']);
  });
}

/** The sign-outs numbered after `after`, a page at a time. */
export async function* revocationsAfter(pool: Pool, after: number): AsyncGenerator<TailPage<StoredRevocation>> {
  for (;;) {
    const { rows } = await pool.query<{ no: string; id_hash: string; expires_at: string }>('SELECT no, id_hash, expires_at FROM revocations WHERE no > $1 ORDER BY no LIMIT $2', [after, PAGE]);
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1].no);
    yield { items: rows.map((row) => ({ no: Number(row.no), idHash: row.id_hash, expiresAt: Number(row.expires_at) })), through: after };
    if (rows.length < PAGE) return;
  }
}

/** The sign-outs not yet written, written one batch at a time, tried again while the store does not answer. */
export class RevocationWriter {
  readonly #waiting = new Map<string, number>();
  #writing: Promise<void> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closing = false;
  #closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly health: Availability,
    /** a batch is stored */
    private readonly written: () => void,
  ) {}

  add(idHash: string, expiresAt: number): void {
    this.#waiting.set(idHash, expiresAt);
    this.write();
  }

  /** Writes what waits, unless a write is under way (it writes the rest when done). */
  write(): void {
    if (this.#writing || this.#closed) return;
    clearTimeout(this.#retry);
    const now = Date.now();
    for (const [idHash, expiresAt] of this.#waiting) if (expiresAt <= now) this.#waiting.delete(idHash);
    if (this.#waiting.size === 0) return;
    const batch = [...this.#waiting].slice(0, PAGE).map(([idHash, expiresAt]) => ({ idHash, expiresAt }));
    this.#writing = storeRevocations(this.pool, batch).then(
      () => {
        this.#writing = undefined;
        // one given again meanwhile with a later end (a person signed out again) waits for the next batch
        for (const { idHash, expiresAt } of batch) if (this.#waiting.get(idHash) === expiresAt) this.#waiting.delete(idHash);
        this.health.answered();
        this.written();
        this.write();
      },
      (error) => {
        this.#writing = undefined;
        this.health.failed(error);
        if (!this.#closing) this.#retry = setTimeout(() => this.write(), this.health.retryMs());
      },
    );
  }

  /** Writes what waits, once (no retry), then nothing more. */
  async close(): Promise<void> {
    this.#closing = true;
    this.write();
    while (this.#writing) await this.#writing;
    this.#closed = true;
  }
}
