// Replicas and their leases, all timed by the database's clock (a replica's clock may be minutes
// off). A lease is current until `lease_until`; a replica renews it with each heartbeat, and once
// it has run out the replica never renews it again: another replica claims it (exactly one, the
// UPDATE's row lock decides), writes what became of its terminals, then marks the claim settled.
//
// A restart of PostgreSQL gives every lease a full period from the moment the server is back:
// while it was down no replica could renew, and none of them is lost for that.
import { randomInt } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { LostReplica, ReplicaInfo } from '../shared-store.ts';
import { StoreProblem } from './connection-errors.ts';
import { withTransaction } from './transaction.ts';

/** When a replica's lease ends, as SQL over a `replicas` row (named `row`, when it has a name). */
const leaseEnd = (row?: string) => {
  const column = (name: string) => (row ? `${row}.${name}` : name);
  return `greatest(${column('lease_until')}, pg_postmaster_start_time() + ${column('lease_ms')} * interval '1 millisecond')`;
};
export const LEASE_END = leaseEnd();
/** The replica $1 holds a current lease: only such a replica takes others' terminals. */
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
 * The replicas this claimer must write what became of the terminals of: those whose lease ran
 * out, now ended and claimed by it (each by one caller only, and never by a replica whose own
 * lease ran out: paused past it, it would judge the others by a clock that stopped, and claim
 * itself); with each, the replicas it had claimed and not settled (as `claimedFrom` it), and any
 * left unsettled by a claimer that stopped; and this claimer's own claims not yet settled (the
 * answer to an earlier call may have been lost). A claim stays the claimer's until `settleLost`.
 */
export function claimLost(pool: Pool, claimer: string): Promise<LostReplica[]> {
  return withTransaction(pool, async (client) => {
    // Its own row held: no claim of this claimer commits before this transaction, so whoever
    // claims it later finds these claims committed, and hands them on.
    const live = await client.query(`SELECT 1 FROM replicas WHERE id = $1 AND ended IS NULL AND ${LEASE_END} >= now() FOR SHARE`, [claimer]);
    if (!live.rows.length) return [];
    // A row held by its own transaction (an append, a claim) is left for the next call: waiting
    // for it could deadlock with a claimer claiming this one, or outlast the caller's lease.
    const claimed = await client.query<{ id: string }>(
      `UPDATE replicas SET ended = coalesce(ended, now()), claimed_by = $1 WHERE id IN (
         SELECT id FROM replicas WHERE id <> $1 AND (ended IS NULL AND ${LEASE_END} < now() OR ended IS NOT NULL AND claimed_by IS NULL AND settled IS NULL)
         FOR UPDATE SKIP LOCKED
       ) RETURNING id`,
      [claimer],
    );
    // A statement of its own: it sees every claim the claimed ones committed before they were claimed.
    const handed = await client.query<{ id: string; claimedFrom: string }>(
      `UPDATE replicas SET claimed_by = $1 FROM unnest($2::text[]) AS gone (id) WHERE replicas.claimed_by = gone.id AND replicas.settled IS NULL RETURNING replicas.id, gone.id AS "claimedFrom"`,
      [claimer, claimed.rows.map((row) => row.id)],
    );
    const from = new Map(handed.rows.map((row) => [row.id, row.claimedFrom]));
    const { rows } = await client.query<ReplicaInfo>('SELECT id, advertise FROM replicas WHERE claimed_by = $1 AND settled IS NULL ORDER BY ended, id', [claimer]);
    return rows.map(({ id, advertise }) => ({ id, advertise, ...(from.has(id) ? { claimedFrom: from.get(id)! } : {}) }));
  });
}

/** Marks claims of `claimer` settled: what became of their terminals is stored. */
export async function settleLost(pool: Pool, claimer: string, ids: string[]): Promise<void> {
  await pool.query('UPDATE replicas SET settled = now() WHERE id = ANY($2::text[]) AND claimed_by = $1 AND settled IS NULL', [claimer, ids]);
}

/**
 * A clean stop: the lease given up, and the replica not handed to a claimer. Its claims not
 * settled are let go, for the next claimer to take (it stopped before it surely wrote them).
 */
export async function endLease(pool: Pool, id: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('UPDATE replicas SET ended = now(), settled = now() WHERE id = $1 AND ended IS NULL', [id]);
    await client.query('UPDATE replicas SET claimed_by = NULL WHERE claimed_by = $1 AND settled IS NULL', [id]);
  });
}

/**
 * true for the one caller that takes `sessionId` over from `formerOwner`, a replica that is not
 * live. An adoption whose adopter ended (lost, or stopped) before it wrote `session.adopted` is
 * taken over in turn: the terminal would otherwise be left to nobody. Until it wrote it, the
 * adopter itself gets true again (the answer to its first try may have been lost). An adopter
 * that wrote it made the terminal its own: it is adopted from that adopter then, not from
 * `formerOwner`.
 */
export async function adopt(pool: Pool, adopter: string, sessionId: string, formerOwner: string): Promise<boolean> {
  // Never from a replica that is live: it still holds the terminal, and answers for it.
  const formerIsLive = `EXISTS (SELECT 1 FROM replicas former WHERE former.id = $3 AND former.ended IS NULL AND ${leaseEnd('former')} >= now())`;
  // Ended, it writes nothing more (an append holds its row, so the end waits for one under way).
  const adopterEnded = 'EXISTS (SELECT 1 FROM replicas gone WHERE gone.id = adoptions.adopted_by AND gone.ended IS NOT NULL)';
  const adopterWrote = `EXISTS (SELECT 1 FROM entries WHERE replica = adoptions.adopted_by AND type = 'session.adopted' AND body::jsonb ->> 'sessionId' = $2)`;
  const { rowCount } = await pool.query(
    `INSERT INTO adoptions (session_id, former_owner, adopted_by) SELECT $2, $3, $1 WHERE ${CALLER_IS_LIVE} AND NOT ${formerIsLive}
     ON CONFLICT (session_id, former_owner) DO UPDATE SET adopted_by = excluded.adopted_by, at = now() WHERE (adoptions.adopted_by = $1 OR ${adopterEnded}) AND NOT ${adopterWrote}`,
    [adopter, sessionId, formerOwner],
  );
  return rowCount === 1;
}
