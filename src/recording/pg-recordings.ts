// Recordings in PostgreSQL (the tables of schema.ts's third migration), for replicas sharing a
// --store: any replica plays any recording, and one outlives the replica that made it (all but
// what it had not yet stored, at most about a flush interval). Its own small pools, so a slow
// download never holds a connection the event log needs, nor one the recordings' writes need.
//
// Reading takes a snapshot (a REPEATABLE READ transaction) and reads the rows a page at a time:
// the check and the reply see the same bytes even if a compression or retention commits between,
// and a 64 MiB recording is never in memory at once. Finishing compresses the plain chunks into
// one gzip stream cut in chunks, in one transaction with the row locked: a crash meanwhile leaves
// the plain chunks, which play as they are, and two replicas finishing one recording do it once.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import pg, { type PoolClient } from 'pg';
import { Availability } from '../events/postgres/availability.ts';
import { withTransaction } from '../events/postgres/transaction.ts';
import { checkCast, type ReadCast } from './cast-file.ts';
import { PgCastSink } from './pg-cast-sink.ts';
import type { CastSink, RecordingStorage } from './recording-storage.ts';
import { checkOut } from '../events/postgres/checked-out.ts';

export interface PgRecordingsOptions {
  url: string;
  replica: string;
  /** a connection attempt, and each statement, gives up after these (defaults 5 s, 10 s: the event log's) */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** bytes a recording holds while the database does not answer (default 8 MiB: minutes of a busy terminal) */
  maxHeldBytes?: number;
  /** how long a recording that ends goes on trying to store what it holds (default 10 s) */
  closeTimeoutMs?: number;
}

/** downloads (recording-routes.ts reads two at once), in a pool of their own: however many wait, the writes keep theirs */
const READ_POOL_SIZE = 2;
/** the writes, finishing, retention */
const WRITE_POOL_SIZE = 2;
/** rows read at once: plain chunks are what the writer gave at a time (about 64 KiB), compressed ones COMPRESSED_CHUNK */
const PAGE_ROWS = 8;
const COMPRESSED_CHUNK = 256 * 1024;

export class PgRecordings implements RecordingStorage {
  readonly shared = true;
  readonly readHoldsConnection = true;
  readonly noun = 'recording in the database';
  readonly #pool: pg.Pool;
  readonly #reads: pg.Pool;
  readonly #health: Availability;
  readonly #options: Required<PgRecordingsOptions>;
  /** the sinks of the recordings not yet finished: one turned off and on again in its run goes on after its last chunk */
  readonly #sinks = new Map<string, PgCastSink>();

  constructor(options: PgRecordingsOptions) {
    this.#options = { maxHeldBytes: 8 << 20, closeTimeoutMs: 10_000, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000, ...options };
    this.#pool = this.#newPool(WRITE_POOL_SIZE, 'writes');
    this.#reads = this.#newPool(READ_POOL_SIZE, 'reads');
    this.#health = new Availability(options.url);
  }

  where(name: string): string {
    return `It is recording ${name} in the database (table recordings).`;
  }

  async open(name: string, append: boolean): Promise<CastSink> {
    const settings = { pool: this.#pool, health: this.#health, replica: this.#options.replica, maxHeldBytes: this.#options.maxHeldBytes, closeTimeoutMs: this.#options.closeTimeoutMs };
    // a recording is finished only when its run ends: one going on is still 'writing'
    const nextSeq = append ? (this.#sinks.get(name)?.nextSeq ?? (await this.#lastSeq(name)) + 1) : 0;
    const sink = new PgCastSink(settings, name, nextSeq);
    this.#sinks.set(name, sink);
    return sink;
  }

  async discard(name: string): Promise<void> {
    this.#sinks.delete(name);
    await this.remove(name);
  }

  /**
   * Recordings left 'writing' by replicas that are gone: ended (stopped, or claimed as lost). Not
   * those of a replica whose lease merely ran out: it may still renew it (leases.ts), and write.
   */
  async leftovers(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ name: string }>(
      `SELECT r.name FROM recordings r LEFT JOIN replicas p ON p.id = r.replica
       WHERE r.state = 'writing' AND (p.id IS NULL OR p.ended IS NOT NULL)`,
    );
    return rows.map((row) => row.name);
  }

  async finish(name: string): Promise<boolean> {
    this.#sinks.delete(name);
    return withTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ compressed: boolean }>('SELECT compressed FROM recordings WHERE name = $1 FOR UPDATE', [name]);
      if (rows.length === 0 || rows[0].compressed) return false; // removed, or finished by another replica
      let seq = 0;
      let held: Buffer[] = [];
      let heldBytes = 0;
      const put = async () => {
        await client.query('INSERT INTO recording_chunks (name, compressed, seq, data) VALUES ($1, true, $2, $3)', [name, seq++, Buffer.concat(held)]);
        held = [];
        heldBytes = 0;
      };
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes < COMPRESSED_CHUNK) return done();
          put().then(() => done(), done);
        },
        final(done) {
          put().then(() => done(), done);
        },
      });
      await pipeline(Readable.from(chunks(client, name, false)), createGzip(), out);
      await client.query('DELETE FROM recording_chunks WHERE name = $1 AND NOT compressed', [name]);
      await client.query(`UPDATE recordings SET compressed = true, state = 'finished' WHERE name = $1`, [name]);
      return true;
    });
  }

  async read(name: string, maxBytes: number): Promise<ReadCast | undefined> {
    const { client, release } = await checkOut(this.#reads);
    let open = true;
    const close = async () => {
      if (!open) return;
      open = false;
      let broken: Error | undefined;
      await client.query('COMMIT').catch((error: Error) => (broken = error));
      release(broken);
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ compressed: boolean }>('SELECT compressed FROM recordings WHERE name = $1', [name]);
      if (rows.length === 0) {
        await close();
        return undefined;
      }
      const gz = rows[0].compressed;
      const stream = () => Readable.from(chunks(client, name, gz));
      const size = async () => Number((await client.query<{ size: string | null }>('SELECT sum(length(data)) AS size FROM recording_chunks WHERE name = $1 AND compressed = $2', [name, gz])).rows[0].size ?? 0);
      return await checkCast(stream(), { gz, stream, size, close }, maxBytes);
    } catch (error) {
      await close();
      throw error;
    }
  }

  async list(): Promise<Array<{ name: string; writtenAt: number }>> {
    const { rows } = await this.#pool.query<{ name: string; written_at: string }>('SELECT name, written_at FROM recordings');
    return rows.map((row) => ({ name: row.name, writtenAt: Number(row.written_at) }));
  }

  async remove(name: string): Promise<void> {
    await this.#pool.query('DELETE FROM recordings WHERE name = $1', [name]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.end(), this.#reads.end()]);
  }

  #newPool(max: number, what: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString: this.#options.url,
      max,
      connectionTimeoutMillis: this.#options.connectTimeoutMs,
      statement_timeout: this.#options.statementTimeoutMs,
      query_timeout: this.#options.statementTimeoutMs + 2_000,
      keepAlive: true,
      application_name: `octant-exec recordings ${what} ${this.#options.replica}`,
    });
    pool.on('error', () => {}); // a dropped idle connection: the next query finds out
    return pool;
  }

  async #lastSeq(name: string): Promise<number> {
    const { rows } = await this.#pool.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM recording_chunks WHERE name = $1 AND NOT compressed', [name]);
    return rows[0].seq ?? -1;
  }
}

/** The chunks of `name` in order, a page of rows at a time, on `client` (its snapshot, when in one). */
async function* chunks(client: PoolClient, name: string, compressed: boolean): AsyncGenerator<Buffer> {
  for (let after = -1; ; ) {
    const { rows } = await client.query<{ seq: number; data: Buffer }>('SELECT seq, data FROM recording_chunks WHERE name = $1 AND compressed = $2 AND seq > $3 ORDER BY seq LIMIT $4', [name, compressed, after, PAGE_ROWS]);
    for (const row of rows) yield row.data;
    if (rows.length < PAGE_ROWS) return;
    after = rows[rows.length - 1].seq;
  }
}
