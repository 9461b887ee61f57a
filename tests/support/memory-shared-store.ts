// The shared-log contract (src/events/shared-store.ts) in memory, for the runtime's tests of
// several replicas in one process: what the machines and projections do with a shared log, not
// how PostgreSQL keeps it (tests/events/postgres/ test that against a real server). One MemoryLog
// is the database; each replica opens its own MemorySharedStore on it. Deliveries are
// asynchronous, as a database's are, and the log can be made to stop answering. Sign-outs
// (revokeSignIn) are kept beside the entries and delivered the same way; expired ones are not
// swept here (the tests' sessions outlive them).
import type { CompactionReport } from '../../src/events/compaction-rules.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { onceKey } from '../../src/events/once-keys.ts';
import type { LostReplica, ReplicaInfo, RevokedSignIn, SharedStart, SharedStore, SharedStoreListeners, UnnumberedEntry } from '../../src/events/shared-store.ts';
import type { Snapshot } from '../../src/events/store.ts';

export class MemoryLog {
  readonly entries: LogEntry[] = [];
  readonly snapshots: Snapshot[] = [];
  /** the live replicas; a lost one is removed by claimLostReplicas */
  readonly replicas = new Map<string, ReplicaInfo & { expired: boolean }>();
  /** the lost replicas claimed, by whom (none when its claimer stopped first), and whether that one stored their ends */
  readonly claims = new Map<string, ReplicaInfo & { claimedBy: string | undefined; settled: boolean }>();
  /** `session/former owner` → the adopter */
  readonly adoptions = new Map<string, string>();
  readonly revocations: RevokedSignIn[] = [];
  readonly stores = new Set<MemorySharedStore>();
  readonly sharedKey = new Uint8Array(32).fill(7);
  available = true;
  /** how long an entry takes to come back to the replicas (a database's round trip and NOTIFY) */
  deliveryDelayMs = 0;
  #next = 0;

  open(advertise: string, id = `r${++this.#next}x`.padEnd(6, '0')): MemorySharedStore {
    const store = new MemorySharedStore(this, { id, advertise });
    this.replicas.set(id, { id, advertise, expired: false });
    this.stores.add(store);
    return store;
  }

  /** The database stops answering, or answers again (each store writes what waited). */
  setAvailable(available: boolean): void {
    this.available = available;
    for (const store of this.stores) store.availabilityChanged();
  }

  /** A replica's lease runs out (killed, or paused past it). */
  expire(replicaId: string): void {
    const replica = this.replicas.get(replicaId);
    if (replica) replica.expired = true;
  }

  append(entries: UnnumberedEntry[]): void {
    for (const entry of entries) {
      const once = onceKey(entry);
      if (once !== null && this.entries.some((stored) => onceKey(stored) === once)) continue; // a fact that happens once, stored already
      this.entries.push({ ...structuredClone(entry), seq: this.entries.length + 1 } as LogEntry);
    }
    for (const store of this.stores) store.deliverSoon();
  }

  revoke(revoked: RevokedSignIn[]): void {
    this.revocations.push(...structuredClone(revoked));
    for (const store of this.stores) store.deliverSoon();
  }
}

export class MemorySharedStore implements SharedStore {
  readonly #log: MemoryLog;
  readonly replica: ReplicaInfo;
  #listeners: SharedStoreListeners | undefined;
  #delivered = 0;
  #waiting: UnnumberedEntry[] = [];
  #revocationListener: ((revoked: RevokedSignIn[]) => void) | undefined;
  #revocationsDelivered = 0;
  #revoking: RevokedSignIn[] = [];
  #closed = false;
  #wasAvailable = true;
  #lost = false;
  #flushWaiters: (() => void)[] = [];
  #deliveryQueued = false;

  constructor(log: MemoryLog, replica: ReplicaInfo) {
    this.#log = log;
    this.replica = replica;
  }

  get available(): boolean {
    return this.#log.available;
  }

  now(): number {
    return Date.now();
  }

  /** the memory log has no outage that could make a replica late renewing: it judges at once */
  answeringSince(): number {
    return 0;
  }

  readonly leaseMs = 10_000;

  get sharedKey(): Uint8Array {
    return this.#log.sharedKey;
  }

  async start(acceptFormat: (format: number) => boolean): Promise<SharedStart> {
    const snapshot = this.#log.snapshots.findLast((s) => acceptFormat(s.format));
    return { ...(snapshot ? { snapshot: structuredClone(snapshot) } : {}), entries: this.#log.entries.filter((e) => e.seq > (snapshot?.seq ?? 0)).map((e) => structuredClone(e)), damage: [] };
  }

  listen(listeners: SharedStoreListeners, afterSeq: number): void {
    this.#listeners = listeners;
    this.#delivered = afterSeq;
    this.deliverSoon();
  }

  append(entries: UnnumberedEntry[]): void {
    if (this.#lost) throw new Error('this replica lost its lease: it writes nothing more');
    this.#waiting.push(...entries);
    this.#write();
  }

  revokeSignIn(idHash: string, expiresAt: number): void {
    if (this.#closed) throw new Error('the shared log was closed');
    this.#revoking.push({ idHash, expiresAt });
    this.#write();
  }

  listenRevocations(listener: (revoked: RevokedSignIn[]) => void): void {
    this.#revocationListener = listener;
    this.deliverSoon();
  }

  #write(): void {
    if (!this.#log.available) return;
    if (this.#revoking.length) this.#log.revoke(this.#revoking.splice(0));
    if (this.#waiting.length === 0) return;
    if (this.#log.replicas.get(this.replica.id)?.expired !== false) return this.#loseLease();
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#log.append(waiting);
  }

  #loseLease(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#waiting = [];
    this.#listeners?.leaseLost();
  }

  /** The heartbeat of a real store: finds out that its lease is gone. */
  heartbeat(): void {
    if (this.#log.replicas.get(this.replica.id)?.expired !== false) this.#loseLease();
  }

  availabilityChanged(): void {
    if (this.#log.available === this.#wasAvailable) return;
    this.#wasAvailable = this.#log.available;
    this.#listeners?.availability(this.#log.available ? undefined : 'memory log made unavailable by the test');
    this.#write();
  }

  deliverSoon(): void {
    if (this.#deliveryQueued || !(this.#listeners || this.#revocationListener)) return;
    this.#deliveryQueued = true;
    setTimeout(() => {
      this.#deliveryQueued = false;
      const revoked = this.#log.revocations.slice(this.#revocationsDelivered);
      this.#revocationsDelivered += revoked.length;
      if (revoked.length) this.#revocationListener?.(structuredClone(revoked));
      const fresh = this.#log.entries.filter((e) => e.seq > this.#delivered).map((e) => structuredClone(e));
      if (fresh.length) {
        this.#delivered = fresh.at(-1)!.seq;
        this.#listeners?.entries(fresh);
      }
      if (this.#waiting.length === 0) for (const resolve of this.#flushWaiters.splice(0)) resolve();
    }, this.#log.deliveryDelayMs);
  }

  flushed(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the shared log did not take the entries within ${timeoutMs} ms`)), timeoutMs);
      this.#flushWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.deliverSoon();
    });
  }

  async read(after: number, limit: number): Promise<LogEntry[]> {
    return this.#log.entries.filter((e) => e.seq > after).slice(0, limit);
  }

  async putSnapshot(snapshot: Snapshot): Promise<void> {
    this.#log.snapshots.push(structuredClone(snapshot));
  }

  async compactionBase(acceptFormat: (format: number) => boolean): Promise<number | undefined> {
    return this.#log.snapshots.filter((s) => acceptFormat(s.format)).at(-2)?.seq;
  }

  async compactedThrough(): Promise<number> {
    return 0;
  }

  async compact(): Promise<CompactionReport> {
    return { removed: 0, auditRecords: 0, rewritten: 0, busy: 'the memory log does not compact' };
  }

  async liveReplicas(): Promise<ReplicaInfo[]> {
    return [...this.#log.replicas.values()].filter((r) => !r.expired).map(({ id, advertise }) => ({ id, advertise }));
  }

  async claimLostReplicas(): Promise<LostReplica[]> {
    // A replica whose own lease ran out judges no other: it learns that it is lost instead.
    if (this.#log.replicas.get(this.replica.id)?.expired !== false) {
      this.#loseLease();
      return [];
    }
    const me = this.replica.id;
    const lost = new Set<string>();
    for (const { id, advertise, expired } of this.#log.replicas.values()) {
      if (!expired) continue;
      this.#log.replicas.delete(id);
      this.#log.claims.set(id, { id, advertise, claimedBy: me, settled: false });
      lost.add(id);
    }
    // As PostgreSQL does: the unsettled claims of those just claimed are handed on, those a stopped claimer let go are taken.
    const from = new Map<string, string>();
    for (const claim of this.#log.claims.values()) {
      if (claim.settled || (claim.claimedBy !== undefined && !lost.has(claim.claimedBy))) continue;
      if (claim.claimedBy) from.set(claim.id, claim.claimedBy);
      claim.claimedBy = me;
    }
    const mine = [...this.#log.claims.values()].filter((claim) => claim.claimedBy === me && !claim.settled);
    return mine.map(({ id, advertise }) => ({ id, advertise, ...(from.has(id) ? { claimedFrom: from.get(id)! } : {}) }));
  }

  async settleLostReplicas(ids: string[]): Promise<void> {
    for (const id of ids) {
      const claim = this.#log.claims.get(id);
      if (claim?.claimedBy === this.replica.id) claim.settled = true;
    }
  }

  async adopt(sessionId: string, formerOwner: string): Promise<boolean> {
    const key = `${sessionId}/${formerOwner}`;
    const adopter = this.#log.adoptions.get(key);
    // As PostgreSQL does: taken again by its adopter, or once that one ended, until the adopter wrote session.adopted.
    const wrote = this.#log.entries.some((e) => e.type === 'session.adopted' && e.sessionId === sessionId && e.replica === adopter);
    if (adopter !== undefined && (wrote || (adopter !== this.replica.id && this.#log.replicas.has(adopter)))) return false;
    this.#log.adoptions.set(key, this.replica.id);
    return true;
  }

  async close(): Promise<void> {
    this.#write();
    this.#closed = true;
    this.#log.replicas.delete(this.replica.id);
    // a clean stop lets go of the claims it did not settle, for the next claimer
    for (const claim of this.#log.claims.values()) if (claim.claimedBy === this.replica.id && !claim.settled) claim.claimedBy = undefined;
    this.#log.stores.delete(this);
  }
}
