// Compaction as the file store does it (the same planner decides), in one transaction: the log is
// read once to plan and once to apply, then the removals and replacements are written together
// with the new compacted_through. One replica at a time: the others are told `busy`. Appends go
// on meanwhile; they land after `through`, which compaction never touches.
import type { Pool, PoolClient } from 'pg';
import { CompactionPlanner, type CompactionPolicy, type CompactionReport } from '../compaction-rules.ts';
import type { LogEntry } from '../log-entry.ts';
import { bodyOf, entriesAfter } from './entry-rows.ts';
import { withTransaction } from './transaction.ts';

/** Any number, the same in every replica, not the migrations' */
export const COMPACTION_LOCK = 0x6f637401;
const WRITE_CHUNK = 1_000;

export function compact(pool: Pool, policy: CompactionPolicy): Promise<CompactionReport> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [COMPACTION_LOCK]);
    if (!rows[0].locked) return { removed: 0, auditRecords: 0, rewritten: 0, busy: 'another replica is compacting the log' };
    const planner = new CompactionPlanner(policy);
    for await (const page of entriesAfter(client, 0)) for (const entry of page.items) planner.observe(entry);
    const rules = planner.rules();
    const removed: number[] = [];
    const replaced: LogEntry[] = [];
    for await (const page of entriesAfter(client, 0)) {
      for (const entry of page.items) {
        if (entry.seq > policy.through) continue; // never touched
        const kept = rules.apply(entry);
        if (kept === undefined) removed.push(entry.seq);
        else if (kept !== entry) replaced.push(kept);
      }
    }
    if (removed.length + replaced.length === 0) return { removed: 0, auditRecords: 0, rewritten: 0 }; // nothing went: a start needs no newer snapshot than before
    await remove(client, removed);
    await replace(client, replaced);
    await client.query('UPDATE meta SET compacted_through = greatest(compacted_through, $1)', [policy.through]);
    return { removed: removed.length, auditRecords: rules.recordsKept, rewritten: 1 };
  });
}

async function remove(client: PoolClient, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += WRITE_CHUNK) await client.query('DELETE FROM entries WHERE seq = ANY($1::bigint[])', [seqs.slice(i, i + WRITE_CHUNK)]);
}

async function replace(client: PoolClient, entries: LogEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
    const chunk = entries.slice(i, i + WRITE_CHUNK);
    await client.query(
      'UPDATE entries e SET time = t.time, type = t.type, body = t.body FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS t(seq, time, type, body) WHERE e.seq = t.seq',
      [chunk.map((e) => e.seq), chunk.map((e) => e.time), chunk.map((e) => e.type), chunk.map(bodyOf)],
    );
  }
}
