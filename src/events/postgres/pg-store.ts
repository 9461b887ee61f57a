// The shared event log in PostgreSQL (contract in ../shared-store.ts). This file ties the parts
// together: the write queue drained by one append transaction at a time, the tail that delivers
// what any replica stored, the heartbeat that keeps this replica's lease, and what happens when
// PostgreSQL stops answering (entries wait, in order, and are written when it answers again) or
// the lease is found gone (what waits is dropped, nothing more is written). Sign-outs
// (revocations.ts) wait and are delivered the same way, on a table and a channel of their own.
import pg from 'pg';
import type { CompactionPolicy, CompactionReport } from '../compaction-rules.ts';
import { damageWarning, type LogEntry } from '../log-entry.ts';
import type { LostReplica, ReplicaInfo, RevokedSignIn, SharedStart, SharedStore, SharedStoreListeners, UnnumberedEntry } from '../shared-store.ts';
import type { Snapshot } from '../store.ts';
import { appendBatch, ENTRIES_CHANNEL } from './append-batch.ts';
import { Availability } from './availability.ts';
import { compact } from './compaction.ts';
import { describeStoreError } from './connection-errors.ts';
import { entriesAfter, readEntries } from './entry-rows.ts';
import * as leases from './leases.ts';
import { DatabaseClock } from './database-clock.ts';
import { REVOCATIONS_CHANNEL, RevocationWriter, revocationsAfter, type StoredRevocation } from './revocations.ts';
import { migrate } from './schema.ts';
import { compactionBase, putSnapshot, readStart } from './snapshots.ts';
import { Tail } from './tail.ts';
import { WriteQueue } from './write-queue.ts';
import { checkOut } from './checked-out.ts';

export interface PgStoreOptions {
  /** postgres://USER:PASSWORD@HOST:PORT/DATABASE */
  url: string;
  /** where the other replicas reach this one */
  advertise: string;
  /** how long a lease lasts unrenewed (default 10 s) */
  leaseMs?: number;
  /** this replica's own clock, between reads of the database's (tests skew it; default a monotonic one, which no step of the wall clock moves) */
  localClock?: () => number;
  /** how often it is renewed (default 2.5 s) */
  heartbeatMs?: number;
  /** the catch-up read, for what a notification missed (default 500 ms) */
  pollMs?: number;
  /** entries held while the store does not answer; appends past it throw (default 50 000) */
  maxBuffered?: number;
  /** a connection attempt, and each statement, gives up after these (defaults 5 s, 10 s) */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  warn?: (message: string) => void;
}

const DEFAULTS = { leaseMs: 10_000, heartbeatMs: 2_500, pollMs: 500, maxBuffered: 50_000, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 };
const POOL_SIZE = 4;
/** how much longer than the server's statement timeout the client waits before giving up on a query */
const QUERY_GRACE_MS = 2_000;

type Settings = typeof DEFAULTS & Pick<PgStoreOptions, 'url' | 'advertise' | 'localClock'> & { warn: (message: string) => void };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PgStore implements SharedStore {
  readonly replica: ReplicaInfo;
  readonly sharedKey: Uint8Array;
  readonly #settings: Settings;
  readonly #pool: pg.Pool;
  readonly #health: Availability;
  readonly #queue: WriteQueue;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #listeners: SharedStoreListeners | undefined;
  #tail: Tail<LogEntry> | undefined;
  readonly #revocations: RevocationWriter;
  #revocationTail: Tail<StoredRevocation> | undefined;
  #writing = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** the seq of the last entry this replica stored */
  #storedThrough = 0;
  #flushWaiters = new Set<() => void>();
  #leaseLost = false;
  #closing = false;
  #closed = false;

  /** Connects, creates or migrates the schema, and takes a lease; or rejects with one line saying what is wrong (never the password). */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const settings: Settings = { ...DEFAULTS, warn: () => {}, ...definedOnly(options), url: options.url, advertise: options.advertise };
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: POOL_SIZE,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      // a server that hangs (paused, a half-open connection) never sends its statement timeout
      query_timeout: settings.statementTimeoutMs + QUERY_GRACE_MS,
      // a replica paused mid-append holds its row (and so is never claimed) until its transaction ends
      idle_in_transaction_session_timeout: settings.statementTimeoutMs,
      keepAlive: true,
      application_name: 'octant-exec',
    });
    // An idle connection the server dropped: the next query on the pool finds out and says so.
    pool.on('error', () => {});
    try {
      const { client, release } = await checkOut(pool);
      try {
        await migrate(client);
      } finally {
        release();
      }
      const { rows } = await pool.query<{ shared_key: Uint8Array }>('SELECT shared_key FROM meta');
      const replica = await leases.register(pool, { advertise: settings.advertise, leaseMs: settings.leaseMs, sleep });
      const clock = new DatabaseClock(settings.localClock);
      await clock.read(pool);
      return new PgStore(settings, pool, replica, new Uint8Array(rows[0].shared_key), clock);
    } catch (error) {
      await pool.end().catch(() => {});
      throw new Error(describeStoreError(error, settings.url));
    }
  }

  private constructor(
    settings: Settings,
    pool: pg.Pool,
    replica: ReplicaInfo,
    sharedKey: Uint8Array,
    private readonly clock: DatabaseClock,
  ) {
    this.#settings = settings;
    this.#pool = pool;
    this.replica = replica;
    this.sharedKey = sharedKey;
    this.#queue = new WriteQueue(settings.maxBuffered);
    this.#health = new Availability(settings.url);
    this.#revocations = new RevocationWriter(pool, this.#health, () => void this.#revocationTail?.poll());
    this.#health.onChange((problem) => {
      this.#listeners?.availability(problem);
      if (problem !== undefined) return;
      // what waited goes now, not at the next retry
      this.#write();
      this.#revocations.write();
    });
    this.#heartbeat = setInterval(() => void this.#renew(), settings.heartbeatMs);
  }

  get available(): boolean {
    return this.#health.available;
  }

  now(): number {
    return this.clock.now();
  }

  answeringSince(): number {
    return this.#health.answeringSince;
  }

  get leaseMs(): number {
    return this.#settings.leaseMs;
  }

  start(acceptFormat: (format: number) => boolean): Promise<SharedStart> {
    return readStart(this.#pool, acceptFormat, this.#settings.warn);
  }

  listen(listeners: SharedStoreListeners, afterSeq: number): void {
    if (this.#tail) throw new Error('the event store is already being listened to');
    this.#listeners = listeners;
    this.#tail = new Tail<LogEntry>(
      {
        listenClient: this.#listenClient('listen'),
        channel: ENTRIES_CHANNEL,
        pollMs: this.#settings.pollMs,
        pages: (after) => entriesAfter(this.#pool, after, (seq, problem) => this.#settings.warn(damageWarning({ seq, problem }))),
        deliver: (entries) => this.#deliver(entries),
        failed: (error) => this.#health.failed(error),
        answered: () => this.#health.answered(),
      },
      afterSeq,
    );
    if (!this.#health.available) listeners.availability(this.#health.problem);
    if (this.#leaseLost) listeners.leaseLost();
  }

  revokeSignIn(idHash: string, expiresAt: number): void {
    if (this.#closing) throw new Error('the event store was closed: nothing more is written to it');
    this.#revocations.add(idHash, expiresAt);
  }

  listenRevocations(listener: (revoked: RevokedSignIn[]) => void): void {
    if (this.#revocationTail) throw new Error('the sign-outs in the event store are already being listened to');
    this.#revocationTail = new Tail<StoredRevocation>(
      {
        listenClient: this.#listenClient('revocations'),
        channel: REVOCATIONS_CHANNEL,
        pollMs: this.#settings.pollMs,
        pages: (after) => revocationsAfter(this.#pool, after),
        deliver: (rows) => {
          try {
            listener(rows.map(({ idHash, expiresAt }) => ({ idHash, expiresAt })));
          } catch (error) {
            this.#settings.warn(`a listener of the sign-outs in the event store failed: ${(error as Error).message}`);
          }
        },
        failed: (error) => this.#health.failed(error),
        answered: () => this.#health.answered(),
      },
      0,
    );
  }

  /** A LISTEN connection, named for pg_stat_activity after what it waits for. */
  #listenClient(what: 'listen' | 'revocations'): () => pg.Client {
    const { url, connectTimeoutMs } = this.#settings;
    return () => new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, application_name: `octant-exec ${what} ${this.replica.id}` });
  }

  append(entries: UnnumberedEntry[]): void {
    if (this.#closing) throw new Error('the event store was closed: nothing more is written to it');
    if (this.#leaseLost) throw new Error(`replica ${this.replica.id} lost its lease in the event store (another replica took over its terminals): it writes nothing more; restart it to join again`);
    this.#queue.add(entries);
    this.#write();
  }

  /** Stores the oldest waiting entries, then the next ones; after a failure, tries again later. */
  #write(): void {
    if (this.#writing || this.#closed || this.#leaseLost || this.#queue.size === 0) return;
    clearTimeout(this.#retry);
    this.#writing = true;
    const batch = this.#queue.batch();
    appendBatch(this.#pool, this.replica.id, batch).then(
      (through) => {
        this.#writing = false;
        if (through === 'lease lost') return this.#loseLease();
        this.#queue.taken(batch);
        this.#storedThrough = Math.max(this.#storedThrough, through);
        this.#health.answered();
        void this.#tail?.poll(); // our own entries come back at once, not at the next notification
        this.#settleFlushes();
        this.#write();
      },
      (error) => {
        this.#writing = false;
        this.#health.failed(error);
        this.#retry = setTimeout(() => this.#write(), this.#health.retryMs());
      },
    );
  }

  async #renew(): Promise<void> {
    if (this.#leaseLost) return;
    try {
      if (!(await leases.renew(this.#pool, this.replica.id))) return this.#loseLease();
      this.#health.answered();
      await this.clock.read(this.#pool);
    } catch (error) {
      this.#health.failed(error);
    }
  }

  #loseLease(): void {
    if (this.#leaseLost) return;
    this.#leaseLost = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#retry);
    const dropped = this.#queue.drop();
    this.#settings.warn(`replica ${this.replica.id} lost its lease in the event store${dropped ? `: ${dropped} entries not yet written were dropped` : ''}`);
    this.#listeners?.leaseLost();
    this.#settleFlushes();
  }

  #deliver(entries: LogEntry[]): void {
    try {
      this.#listeners?.entries(entries);
    } catch (error) {
      this.#settings.warn(`a listener of the event store failed on entries ${entries[0].seq}–${entries[entries.length - 1].seq}: ${(error as Error).message}`);
    }
    this.#settleFlushes();
  }

  /** Whether everything appended is stored and, when `delivered` (and listening), delivered. */
  #flushedNow(delivered: boolean): boolean {
    const stored = this.#queue.size === 0 && !this.#writing;
    return stored && (!delivered || this.#tail === undefined || this.#tail.last >= this.#storedThrough);
  }

  #settleFlushes(): void {
    for (const waiter of this.#flushWaiters) waiter();
  }

  flushed(timeoutMs: number): Promise<void> {
    return this.#settled(timeoutMs, true);
  }

  #settled(timeoutMs: number, delivered: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#leaseLost) done(new Error(`replica ${this.replica.id} lost its lease in the event store: what it had not written was dropped`));
        else if (this.#flushedNow(delivered)) done();
      };
      const timer = setTimeout(() => done(new Error(`the event store has not taken ${this.#queue.size} entries within ${timeoutMs} ms${this.#health.available ? '' : ' (it does not answer)'}`)), timeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.#flushWaiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.#flushWaiters.add(check);
      check();
    });
  }

  read(after: number, limit: number): Promise<LogEntry[]> {
    return readEntries(this.#pool, after, limit);
  }

  putSnapshot(snapshot: Snapshot): Promise<void> {
    return putSnapshot(this.#pool, snapshot);
  }

  compactionBase(acceptFormat: (format: number) => boolean): Promise<number | undefined> {
    return compactionBase(this.#pool, acceptFormat, this.#settings.warn);
  }

  async compactedThrough(): Promise<number> {
    const { rows } = await this.#pool.query<{ compacted_through: string }>('SELECT compacted_through FROM meta');
    return Number(rows[0].compacted_through);
  }

  compact(policy: CompactionPolicy): Promise<CompactionReport> {
    return compact(this.#pool, policy);
  }

  liveReplicas(): Promise<ReplicaInfo[]> {
    return leases.liveReplicas(this.#pool);
  }

  async claimLostReplicas(): Promise<LostReplica[]> {
    this.#refuseWhenLost('claims no other replica');
    const lost = await leases.claimLost(this.#pool, this.replica.id);
    // What the lost replicas wrote committed before the claim: delivered now, the lists the
    // caller ends their terminals by show it (else it could end a terminal that already ended,
    // or that another replica took over since). A failed read rejects: the claims come back.
    if (lost.length) await this.#tail?.readFromNow();
    return lost;
  }

  settleLostReplicas(ids: string[]): Promise<void> {
    return leases.settleLost(this.#pool, this.replica.id, ids);
  }

  adopt(sessionId: string, formerOwner: string): Promise<boolean> {
    this.#refuseWhenLost('adopts no terminal');
    return leases.adopt(this.#pool, this.replica.id, sessionId, formerOwner);
  }

  #refuseWhenLost(what: string): void {
    if (this.#leaseLost) throw new Error(`replica ${this.replica.id} lost its lease in the event store: it ${what}`);
  }

  async close(timeoutMs = 5_000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearInterval(this.#heartbeat);
    await this.#settled(timeoutMs, false).catch((error: Error) => this.#settings.warn(`closing the event store: ${error.message}`));
    await this.#revocations.close();
    this.#closed = true;
    clearTimeout(this.#retry);
    if (!this.#leaseLost) await leases.endLease(this.#pool, this.replica.id).catch(() => {}); // unreachable: the lease runs out instead
    await Promise.all([this.#tail?.stop(), this.#revocationTail?.stop()]);
    await this.#pool.end();
  }
}

/** `options` without its undefined values (so they do not hide the defaults) */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
