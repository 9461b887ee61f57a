// One recording written to PostgreSQL (pg-recordings.ts). A write only numbers its bytes as the
// next chunk and holds them; `datasync` (the writer's, at most once a flush interval and always
// within one after a write) starts storing what is held, in one transaction, without waiting for
// it; what is written meanwhile is stored right after. While the database does not answer (or
// hangs), chunks wait here, in order, up to a bound: a write past it throws, and the writer stops
// the recording as failed, saying why. Stored again after a lost answer, a chunk is kept once
// (its number is its key) and counted once. Another replica may have finished (compressed) the
// recording, taking this one for lost: a store then adds nothing, and the next write (or the stop)
// throws, so the recording stops as failed.
import type { Pool } from 'pg';
import type { Availability } from '../events/postgres/availability.ts';
import { withTransaction } from '../events/postgres/transaction.ts';
import type { CastSink } from './recording-storage.ts';

export interface PgSinkSettings {
  pool: Pool;
  health: Availability;
  /** this replica's id: a recording left 'writing' by a replica that is gone is finished by another */
  replica: string;
  /** bytes held while the database does not answer; a write past it throws */
  maxHeldBytes: number;
  /** how long `close` goes on trying to store what is held */
  closeTimeoutMs: number;
}

interface Chunk {
  seq: number;
  data: Buffer;
}

export class PgCastSink implements CastSink {
  readonly #held: Chunk[] = [];
  #heldBytes = 0;
  /** the store under way: true when it stored its batch */
  #storing: Promise<boolean> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** why nothing more can be stored (another replica finished the recording): every call throws it */
  #lost: Error | undefined;
  #dropped = 0;

  constructor(
    private readonly settings: PgSinkSettings,
    readonly name: string,
    /** the next chunk's number */
    public nextSeq: number,
  ) {}

  async write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }> {
    if (this.#lost) throw this.#lost;
    if (this.#closed) throw new Error('the recording was closed');
    if (this.#heldBytes + length > this.settings.maxHeldBytes) {
      throw new Error(`the database has not taken the last ${this.#heldBytes} bytes (${this.settings.health.problem ?? 'it does not answer'}), and no more are held`);
    }
    this.#held.push({ seq: this.nextSeq++, data: Buffer.from(buffer.subarray(offset, offset + length)) });
    this.#heldBytes += length;
    return { bytesWritten: length };
  }

  /**
   * Starts storing what is held, and resolves at once: the store goes on (and is tried again)
   * by itself. A writer waiting on a database that hangs would pile its bytes up in its own queue,
   * past the bound held here; not waiting, they reach `write`, which throws at the bound.
   */
  async datasync(): Promise<void> {
    if (this.#lost) throw this.#lost;
    this.#store();
  }

  /** bytes written that were never stored: let go at close (the database did not answer in time), or once the recording was lost */
  get dropped(): number {
    return this.#dropped;
  }

  /** Each write is whole or nothing: there is never a torn line to cut. */
  async truncate(): Promise<void> {}

  /** Stores what is held, trying again while the database does not answer, for at most closeTimeoutMs; then throws (what was held is lost). */
  async close(): Promise<void> {
    const until = Date.now() + this.settings.closeTimeoutMs;
    while (this.#held.length > 0 && !this.#closed && !this.#lost && Date.now() < until) {
      this.#store();
      if (!(await this.#storing)) await new Promise((resolve) => setTimeout(resolve, Math.min(this.settings.health.retryMs(), Math.max(0, until - Date.now()))));
    }
    this.#closed = true;
    clearTimeout(this.#retry);
    const lost = this.#heldBytes;
    this.#dropped += lost;
    this.#held.length = this.#heldBytes = 0;
    if (this.#lost) throw this.#lost;
    if (lost > 0) throw new Error(`the database did not take the last ${lost} bytes within ${this.settings.closeTimeoutMs} ms (${this.settings.health.problem ?? 'it does not answer'})`);
  }

  #store(): void {
    if (this.#storing || this.#held.length === 0 || this.#closed || this.#lost) return;
    clearTimeout(this.#retry);
    const batch = this.#held.slice();
    this.#storing = storeChunks(this.settings, this.name, batch).then(
      () => {
        this.#storing = undefined;
        this.#held.splice(0, batch.length);
        this.#heldBytes -= batch.reduce((sum, chunk) => sum + chunk.data.length, 0);
        this.settings.health.answered();
        // what was written while this store was under way: its datasync met this store, not its own
        this.#store();
        return true;
      },
      (error) => {
        this.#storing = undefined;
        if (error instanceof RecordingTaken) {
          this.#lost = error;
          this.#dropped += this.#heldBytes;
          this.#held.length = this.#heldBytes = 0;
          return false;
        }
        this.settings.health.failed(error);
        // what waits goes when the database answers again, written or not
        if (!this.#closed) this.#retry = setTimeout(() => this.#store(), this.settings.health.retryMs());
        return false;
      },
    );
  }
}

/** The recording's row is no longer 'writing': another replica finished (compressed) it. */
class RecordingTaken extends Error {}

/**
 * Stores `chunks` of recording `name` (its row made by the first), counting only those not stored
 * before; nothing at all (RecordingTaken) once the recording is finished: plain chunks added to a
 * compressed recording would never play. The row's lock orders this with a finish under way.
 */
function storeChunks({ pool, replica }: PgSinkSettings, name: string, chunks: Chunk[]): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query(`INSERT INTO recordings (name, replica, state, written_at) VALUES ($1, $2, 'writing', (extract(epoch FROM now()) * 1000)::bigint) ON CONFLICT (name) DO NOTHING`, [name, replica]);
    const { rows } = await client.query<{ bytes: string | null }>(
      `WITH stored AS (
         INSERT INTO recording_chunks (name, compressed, seq, data) SELECT $1, false, * FROM unnest($2::integer[], $3::bytea[])
         ON CONFLICT DO NOTHING RETURNING length(data) AS bytes
       ) SELECT sum(bytes) AS bytes FROM stored`,
      [name, chunks.map((chunk) => chunk.seq), chunks.map((chunk) => chunk.data)],
    );
    const { rowCount } = await client.query(
      `UPDATE recordings SET bytes = bytes + $2, written_at = (extract(epoch FROM now()) * 1000)::bigint WHERE name = $1 AND state = 'writing' AND NOT compressed`,
      [name, Number(rows[0].bytes ?? 0)],
    );
    if (rowCount !== 1) throw new RecordingTaken('another replica finished this recording, taking this replica for lost; what was stored before that plays');
  });
}
