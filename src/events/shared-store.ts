// The event log when several octant-exec replicas share it (PostgreSQL). Unlike the file store,
// a replica does not number its entries: the store gives each one its place in one global order,
// and tells every replica (the writer included) every entry once it is stored, in that order. The
// projections fold exactly that stream, so every replica's session list is the same fold of the
// same log. Writes are asynchronous and buffered: a store that stops answering for a while loses
// nothing a replica decided meanwhile, and writes nothing twice when it answers again.
//
// Each replica holds a lease in the store, renewed by a heartbeat. A replica whose lease ran out
// (killed, cut off, paused) is reaped by one of the others, which marks its live terminals
// disconnected; the lost replica, if it comes back, finds its lease gone and must stop acting as
// the owner of anything. Every time in these rules is the database's clock, never a replica's.
//
// Beside the log, the store carries the sign-outs of signed sign-in sessions (revokeSignIn), so
// that a session ended on one replica is refused by all (src/server/auth/shared-revocations.ts).
// They are not log entries: each matters only until its session would have ended anyway, and the
// store forgets it then.
import type { CompactionPolicy, CompactionReport } from './compaction-rules.ts';
import type { LogDamage, LogEntry } from './log-entry.ts';
import type { Snapshot } from './store.ts';

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** An entry as a replica decides it; the store gives it its seq. */
export type UnnumberedEntry = WithoutSeq<LogEntry>;

export interface ReplicaInfo {
  /** short, unique among the replicas that ever used the store ([a-z0-9]{6}); prefixes the ids the replica gives out */
  id: string;
  /** where the other replicas reach it (its --advertise URL) */
  advertise: string;
}

/** A replica claimed as lost; `claimedFrom` when it was handed on from a claimer lost in turn. */
export interface LostReplica extends ReplicaInfo {
  /** the replica that had claimed it, lost before it surely wrote what became of its terminals */
  claimedFrom?: string;
}

/** What a start begins from. */
export interface SharedStart {
  /** the newest snapshot of a format the caller accepts, if any */
  snapshot?: Snapshot;
  /** every entry after the snapshot's seq (all of them when there is none), in seq order */
  entries: LogEntry[];
  /** the rows among them skipped as damaged (not the shape of their type) */
  damage: LogDamage[];
}

/** A signed-out sign-in session, as the store keeps it: never the cookie, only a hash of its id. */
export interface RevokedSignIn {
  /** the SHA-256 of the session's id, base64url */
  idHash: string;
  /** when the session would have ended by itself (ms since the epoch, the revoking replica's clock): kept until then */
  expiresAt: number;
}

export interface SharedStoreListeners {
  /** entries stored by any replica, this one included: each exactly once, in seq order */
  entries(entries: LogEntry[]): void;
  /** the store stopped answering (with why, password never included) or answers again (undefined) */
  availability(problem: string | undefined): void;
  /** this replica's lease is gone (another replica reaped it): it owns no terminal any more, and what it had not written was dropped */
  leaseLost(): void;
}

export interface SharedStore {
  readonly replica: ReplicaInfo;
  /** false while the store does not answer */
  readonly available: boolean;
  /** since when (this process's clock, ms) it has answered without a break */
  answeringSince(): number;
  /** how long a lease lasts unrenewed, ms */
  readonly leaseMs: number;
  /** ms since the epoch on the database's clock, as this replica estimates it: what the replicas agree on, whatever their own clocks say */
  now(): number;
  /** the secret replicas share (created with the schema): signs replica-to-replica requests and sign-in sessions */
  readonly sharedKey: Uint8Array;
  /** reads the start; call once, before listen */
  start(acceptFormat: (format: number) => boolean): Promise<SharedStart>;
  /** begins delivering entries after `afterSeq`, availability and lease changes */
  listen(listeners: SharedStoreListeners, afterSeq: number): void;
  /**
   * Queues entries to be stored in this order, all in one transaction (one step of the actors);
   * they come back through `entries` once stored. Throws, queuing nothing, when the buffer of unwritten entries is full (the store has been
   * unavailable for long). A fact that happens once (once-keys.ts) and is stored already, by any
   * replica, is left out (and not delivered): the store decides it as it writes.
   */
  append(entries: UnnumberedEntry[]): void;
  /** resolves once everything appended so far is stored and delivered; rejects after `timeoutMs` */
  flushed(timeoutMs: number): Promise<void>;
  /** entries with seq > `after`, at most `limit`, oldest first */
  read(after: number, limit: number): Promise<LogEntry[]>;
  putSnapshot(snapshot: Snapshot): Promise<void>;
  /** the seq of the second newest usable snapshot (accepted, whole, not compacted past): how far compaction may go, so a start keeps one to fall back on */
  compactionBase(acceptFormat: (format: number) => boolean): Promise<number | undefined>;
  /** the highest seq compaction has worked through */
  compactedThrough(): Promise<number>;
  /** as the file store's; one replica at a time (the others get `busy`) */
  compact(policy: CompactionPolicy): Promise<CompactionReport>;
  /** the replicas whose lease is current */
  liveReplicas(): Promise<ReplicaInfo[]>;
  /**
   * Replicas whose lease ran out, each handed to exactly one caller across all replicas, which
   * then writes what became of their terminals; with each, those it had claimed and not settled
   * (a claimer lost in turn may not have written theirs), and those a stopped claimer let go.
   * The caller's claims come back on every call until it settles them (an answer may be lost).
   * Resolves once what they wrote is delivered; rejects when that read fails.
   */
  claimLostReplicas(): Promise<LostReplica[]>;
  /** What became of the terminals of these claimed replicas is stored: they are not asked for again. */
  settleLostReplicas(ids: string[]): Promise<void>;
  /**
   * takes over a terminal whose owner is lost (never a live one's); true for exactly one caller per
   * (session, former owner), or once more when that caller ended without writing `session.adopted`;
   * true again for that caller while it has not written it (the first answer may have been lost)
   */
  adopt(sessionId: string, formerOwner: string): Promise<boolean>;
  /**
   * Ends a sign-in session on every replica until `expiresAt`. Queued as `append` is: while the
   * store does not answer it waits, and is written when it answers again. Throws once closed.
   */
  revokeSignIn(idHash: string, expiresAt: number): void;
  /**
   * Tells `listener` the sign-ins revoked by any replica, this one included: at once those stored
   * (some perhaps expired), then each new one within about a second (a notification, and the
   * catch-up read). One listener per store; a revocation may be told more than once.
   */
  listenRevocations(listener: (revoked: RevokedSignIn[]) => void): void;
  /** writes what waits (for at most `timeoutMs`), gives up the lease, and closes the connections */
  close(timeoutMs?: number): Promise<void>;
}
