// Replicas and their leases, all timed by the database's clock (a replica's clock may be minutes
// off). A lease is current until `lease_until`; a replica renews it with each heartbeat, and once
// it has run out the replica never renews it again: another replica claims it (exactly one, the
// UPDATE's row lock decides) and writes what became of its terminals.
//
// A restart of PostgreSQL gives every lease a full period from the moment the server is back:
// while it was down no replica could renew, and none of them is lost for that.
import { randomInt } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { ReplicaInfo } from '../shared-store.ts';
import { StoreProblem } from './connection-errors.ts';
import { withTransaction } from './transaction.ts';

/** When a replica's lease ends, as SQL over a `replicas` row (named `row`, when it has a name). */
const leaseEnd = (row?: string) => {
  const column = (name: string) => (row ? `${row}.${name}` : name);
  return `greatest(${column('lease_until')}, pg_postmaster_start_time() + ${column('lease_ms')} * interval '1 millisecond')`;
};
export const LEASE_END = leaseEnd();
/** The replica $1 holds a current lease: only such a replica judges the others or takes their terminals. */
const CALLER_IS_LIVE = `EXISTS (SELECT 1 FROM replicas caller WHERE caller.id = $1 AND caller.ended IS NULL AND ${leaseEnd('caller')} >= now())`;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 6;

function randomId(): string {
  return Array.from({ length: ID_LENGTH }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

export interface Registration {
  advertise: string;
  leaseMs: number;
  /** waits one lease period at most for a replica with the same address to go */
  sleep: (ms: number) => Promise<void>;
}

/** Takes a new replica id with a current lease; waits for, then refuses, a live replica with the same address. */
export async function register(pool: Pool, { advertise, leaseMs, sleep }: Registration): Promise<ReplicaInfo> {
  const giveUpAt = Date.now() + leaseMs;
  for (;;) {
    const other = await withTransaction(pool, async (client) => {
      // Two replicas starting with one address at once: the second waits here, then sees the first.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [advertise]);
      const live = await client.query<{ id: string }>(`SELECT id FROM replicas WHERE advertise = $1 AND ended IS NULL AND ${LEASE_END} >= now()`, [advertise]);
      if (live.rows.length) return live.rows[0].id;
      for (;;) {
        const id = randomId();
        const taken = await client.query(
          `INSERT INTO replicas (id, advertise, lease_ms, lease_until) VALUES ($1, $2, $3::integer, now() + $3::integer * interval '1 millisecond') ON CONFLICT (id) DO NOTHING`,
          [id, advertise, leaseMs],
        );
        if (taken.rowCount === 1) return { id, advertise };
      }
    });
    if (typeof other !== 'string') return other;
    if (Date.now() >= giveUpAt) {
      throw new StoreProblem(`replica ${other} is live with the same advertised address (${advertise}): give each replica its own --advertise, or stop the other first`);
    }
    await sleep(Math.min(leaseMs / 10, 500));
  }
}

/**
 * Renews the lease; false once another replica claimed it (or it ended): the replica is lost. A
 * lease that ran out and was not claimed yet is renewed: a database that answered nobody for a
 * while (a network cut, a failover) must not cost every replica its terminals at once.
 */
export async function renew(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE replicas SET lease_until = now() + lease_ms * interval '1 millisecond' WHERE id = $1 AND ended IS NULL`, [id]);
  return rowCount === 1;
}

/**
 * In a transaction that writes as the replica: whether its lease is current, holding its row so
 * that no claim of it commits before the transaction does.
 */
export async function holdLease(client: PoolClient, id: string): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM replicas WHERE id = $1 AND ended IS NULL FOR SHARE`, [id]);
  return rows.length === 1;
}

export async function liveReplicas(pool: Pool): Promise<ReplicaInfo[]> {
  const { rows } = await pool.query<ReplicaInfo>(`SELECT id, advertise FROM replicas WHERE ended IS NULL AND ${LEASE_END} >= now() ORDER BY started, id`);
  return rows;
}

/**
 * The replicas whose lease ran out, now ended and claimed by `claimer`: each one goes to one caller
 * only, and never to a replica whose own lease ran out (paused past it, it would judge the others
 * by a clock that stopped, and claim itself). With each, the replicas it had claimed itself (as
 * `claimedFrom` it): a claimer lost before it wrote what became of their terminals leaves that to
 * the next one, who finds written what was (its writes committed before it could be claimed).
 */
export async function claimLost(pool: Pool, claimer: string): Promise<ReplicaInfo[]> {
  const { rows } = await pool.query<ReplicaInfo & { claimedFrom: string | null }>(
    `WITH lost AS (
       UPDATE replicas SET ended = now(), claimed_by = $1 WHERE ended IS NULL AND ${LEASE_END} < now() AND id <> $1 AND ${CALLER_IS_LIVE} RETURNING id, advertise
     ), handed AS (
       UPDATE replicas handed SET claimed_by = $1 FROM lost WHERE handed.claimed_by = lost.id RETURNING handed.id, handed.advertise, lost.id AS "claimedFrom"
     )
     SELECT id, advertise, NULL AS "claimedFrom" FROM lost UNION ALL SELECT id, advertise, "claimedFrom" FROM handed`,
    [claimer],
  );
  return rows.map(({ id, advertise, claimedFrom }) => ({ id, advertise, ...(claimedFrom ? { claimedFrom } : {}) }));
}

/** A clean stop: the lease given up, and the replica not handed to a claimer. */
export async function endLease(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE replicas SET ended = now() WHERE id = $1 AND ended IS NULL', [id]);
}

/**
 * true for the one caller that takes `sessionId` over from `formerOwner`, a replica that is not
 * live. An adoption whose adopter ended (lost, or stopped) before it wrote `session.adopted` is
 * taken over in turn: the terminal would otherwise be left to nobody. An adopter that wrote it
 * made the terminal its own: it is adopted from that adopter then, not from `formerOwner`.
 */
export async function adopt(pool: Pool, adopter: string, sessionId: string, formerOwner: string): Promise<boolean> {
  // Never from a replica that is live: it still holds the terminal, and answers for it.
  const formerIsLive = `EXISTS (SELECT 1 FROM replicas former WHERE former.id = $3 AND former.ended IS NULL AND ${leaseEnd('former')} >= now())`;
  // Ended, it writes nothing more (an append holds its row, so the end waits for one under way).
  const adopterEnded = 'EXISTS (SELECT 1 FROM replicas gone WHERE gone.id = adoptions.adopted_by AND gone.ended IS NOT NULL)';
  const adopterWrote = `EXISTS (SELECT 1 FROM entries WHERE replica = adoptions.adopted_by AND type = 'session.adopted' AND body::jsonb ->> 'sessionId' = $2)`;
  const { rowCount } = await pool.query(
    `INSERT INTO adoptions (session_id, former_owner, adopted_by) SELECT $2, $3, $1 WHERE ${CALLER_IS_LIVE} AND NOT ${formerIsLive}
     ON CONFLICT (session_id, former_owner) DO UPDATE SET adopted_by = excluded.adopted_by, at = now() WHERE ${adopterEnded} AND NOT ${adopterWrote}`,
    [adopter, sessionId, formerOwner],
  );
  return rowCount === 1;
}
