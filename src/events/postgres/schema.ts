// The store's tables, created and migrated by the server itself. Each migration runs once, in
// order, in one transaction with the version it brings, under an advisory lock: replicas starting
// at once wait for one another, and the second finds the work done. A database migrated by a newer
// octant-exec is left alone (an older one would misread it).
import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { StoreProblem } from './connection-errors.ts';

type Migration = (client: PoolClient) => Promise<unknown>;

/** index + 1 is the version a migration brings; only ever appended to */
const MIGRATIONS: Migration[] = [
  async (client) => {
    await client.query(`
      -- body: the entry as JSON, without its seq (text, not jsonb: it comes back byte for byte)
      CREATE TABLE entries (
        seq bigint PRIMARY KEY,
        replica text NOT NULL,
        local_no bigint NOT NULL,
        time bigint NOT NULL,
        type text NOT NULL,
        body text NOT NULL,
        UNIQUE (replica, local_no)
      );
      -- the last seq given out: appends lock this row until they commit, so seqs commit in order
      CREATE TABLE head (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL);
      INSERT INTO head (seq) VALUES (0);
      CREATE TABLE snapshots (seq bigint PRIMARY KEY, format integer NOT NULL, time bigint NOT NULL, state text NOT NULL);
      CREATE TABLE meta (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        compacted_through bigint NOT NULL DEFAULT 0,
        shared_key bytea NOT NULL
      );
      -- rows stay once ended (a clean stop, or claimed after its lease ran out): ids are never reused
      CREATE TABLE replicas (
        id text PRIMARY KEY,
        advertise text NOT NULL,
        lease_ms integer NOT NULL,
        lease_until timestamptz NOT NULL,
        started timestamptz NOT NULL DEFAULT now(),
        ended timestamptz,
        claimed_by text
      );
      CREATE INDEX replicas_open ON replicas (advertise) WHERE ended IS NULL;
      CREATE TABLE adoptions (
        session_id text NOT NULL,
        former_owner text NOT NULL,
        adopted_by text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, former_owner)
      );`);
    await client.query('INSERT INTO meta (shared_key) VALUES ($1)', [randomBytes(32)]);
  },
  // Signed-out sign-in sessions (revocations.ts): the hash of the session's id, never the cookie,
  // kept until the session would have ended anyway. Numbered from a locked head row, as entries
  // are, so a reader of `no > last` skips none.
  (client) =>
    client.query(`
      CREATE TABLE revocations (
        no bigint PRIMARY KEY,
        id_hash text NOT NULL UNIQUE,
        expires_at bigint NOT NULL
      );
      CREATE INDEX revocations_expiry ON revocations (expires_at);
      CREATE TABLE revocation_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), no bigint NOT NULL);
      INSERT INTO revocation_head (no) VALUES (0);`),
  // Recordings (src/recording/pg-recordings.ts), so any replica plays any, and one outlives its
  // replica. A recording per run, named by the recorder (session, run, time); its bytes in chunks
  // numbered from 0 in order, as written (plain), then as one gzip stream cut in chunks once it is
  // finished (compressed). A chunk's number is its key: one written again after a lost answer is
  // stored once. `bytes`: the plain bytes stored; `written_at`: the database's ms of the last chunk.
  (client) =>
    client.query(`
      CREATE TABLE recordings (
        name text PRIMARY KEY,
        replica text NOT NULL,
        state text NOT NULL CHECK (state IN ('writing', 'finished')),
        compressed boolean NOT NULL DEFAULT false,
        bytes bigint NOT NULL DEFAULT 0,
        written_at bigint NOT NULL
      );
      CREATE TABLE recording_chunks (
        name text NOT NULL REFERENCES recordings (name) ON DELETE CASCADE,
        compressed boolean NOT NULL,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (name, compressed, seq)
      );`),
  // A claimed replica is `settled` once its claimer stored what became of its terminals: until
  // then the claim is asked for again (its answer may have been lost) and is handed on when the
  // claimer is lost or stops (leases.ts). Rows ended before this column are taken as settled.
  (client) => client.query('ALTER TABLE replicas ADD COLUMN settled timestamptz; UPDATE replicas SET settled = ended WHERE ended IS NOT NULL'),
  // What a fact happens once for (once-keys.ts): a second write of it is not stored, whoever
  // writes it, decided by the index in the writing transaction. Older rows have none. The ALTER
  // waits for every open transaction on entries, and every replica's appends and reads queue
  // behind it meanwhile: past 2 s it gives up (this start fails; its pod is started again) rather than
  // hold the older replicas of a rolling upgrade while a long read or a compaction finishes.
  (client) => client.query("SET LOCAL lock_timeout = '2s'; ALTER TABLE entries ADD COLUMN once text; CREATE UNIQUE INDEX entries_once ON entries (once) WHERE once IS NOT NULL"),
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any number, the same in every replica: the lock migrations are made under. */
const MIGRATION_LOCK = 0x6f637400;

/** Brings the database's schema to SCHEMA_VERSION, or throws (a StoreProblem when it is newer). */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_versions (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_versions');
    const current = rows[0].version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StoreProblem(`the database's schema is version ${current}, newer than this octant-exec knows (${SCHEMA_VERSION}): run a newer octant-exec, or point this one at another database`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await MIGRATIONS[version - 1](client);
      await client.query('INSERT INTO schema_versions (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
