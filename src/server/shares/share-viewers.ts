// The sockets that show a terminal through a share (data-plane.ts asks here): who joined and
// left (logged once per person, at their first socket and a while after their last, so a socket
// attaching and detaching in a loop logs nothing more), who typed (logged
// at most once per SHARE_TYPED_EVERY_MS a person and run, never what), and the moment a share stops
// letting someone in (revoked, expired, removed) or changes their role: each such socket hears
// it at once, from the log entry (on every replica) or from its share's expiry timer.
import { SHARE_TYPED_EVERY_MS, isShareFact } from '../../domain/share.ts';
import type { LogEntry } from '../../events/log-entry.ts';
import { watcherOf, type ShareRow } from '../../events/projections/shares.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import type { Caller } from '../caller.ts';
import { shareEnd, shareEndMessages, shareGrant, type ShareGrant } from './share-grant.ts';

export interface ShareViewer {
  readonly socket: { readonly caller: Caller };
  readonly sessionId: string;
  share?: ShareGrant;
}

export interface ShareViewerEvents<V extends ShareViewer> {
  /** the share lets this viewer in no more: detach it, saying why */
  ended(viewer: V, message: string): void;
  /** the owner changed this viewer's role */
  roleChanged(viewer: V): void;
}

const key = (grant: ShareGrant) => `${grant.shareId}\n${grant.who}`;
const watching = (row: ShareRow | undefined, who: string) => (row && watcherOf(row, who)?.watching) === true;

export class ShareViewers<V extends ShareViewer> {
  readonly #viewers = new Set<V>();
  /** each share person's sockets here */
  readonly #sockets = new Map<string, number>();
  /** when each share person's typing was last logged, and in which run of its terminal */
  readonly #typed = new Map<string, { at: number; run: number | undefined }>();
  readonly #timers = new Map<V, ReturnType<typeof setTimeout>>();
  /** people whose last socket here closed, to be logged as left unless they come back first */
  readonly #leaving = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #stop: () => void;
  #recheckQueued = false;

  constructor(
    private readonly system: ExecSystem,
    private readonly events: ShareViewerEvents<V>,
    private readonly now: () => number = Date.now,
    private readonly leftAfterMs = 30_000,
  ) {
    this.#stop = system.onEntry((entry) => this.#entry(entry));
  }

  /**
   * The grant that lets `caller` watch `sessionId` through a share, or why a share that picked them
   * lets them in no more (`ended`); neither for anyone no share picked, who learns nothing of it.
   */
  grant(caller: Caller, sessionId: string): { grant?: ShareGrant; ended?: string } {
    const grant = shareGrant(this.system.shares, caller, sessionId, this.now());
    if (!grant || ('refused' in grant && grant.refused === 'notYours')) return {};
    return 'refused' in grant ? { ended: shareEndMessages[grant.refused] } : { grant };
  }

  /** `viewer` (with its grant) shows the terminal now. */
  /** A viewer attached through its share: kept, and told its role as it is now (one changed while its socket was down was never said to it). */
  attached(viewer: V): void {
    this.add(viewer);
    this.events.roleChanged(viewer);
  }

  add(viewer: V): void {
    const grant = viewer.share!;
    this.#viewers.add(viewer);
    this.#arm(viewer);
    const sockets = this.#sockets.get(key(grant)) ?? 0;
    this.#sockets.set(key(grant), sockets + 1);
    const leaving = this.#leaving.get(key(grant));
    // back before they were logged as gone: they never left
    if (leaving) return void (clearTimeout(leaving), this.#leaving.delete(key(grant)));
    if (sockets === 0 && !watching(this.system.shares.byId[grant.shareId], grant.who)) {
      this.system.share({ type: 'share.joined', shareId: grant.shareId, sessionId: grant.sessionId, who: grant.who, role: grant.role });
    }
  }

  /** `viewer` shows the terminal no more (detached, its socket gone, or cut off). */
  remove(viewer: V): void {
    if (!this.#viewers.delete(viewer)) return;
    clearTimeout(this.#timers.get(viewer));
    this.#timers.delete(viewer);
    const grant = viewer.share!;
    const sockets = (this.#sockets.get(key(grant)) ?? 1) - 1;
    if (sockets > 0) return void this.#sockets.set(key(grant), sockets);
    this.#sockets.delete(key(grant));
    const leave = () => {
      this.#leaving.delete(key(grant));
      this.#typed.delete(key(grant));
      if (this.#sockets.has(key(grant)) || !watching(this.system.shares.byId[grant.shareId], grant.who)) return;
      this.system.share({ type: 'share.left', shareId: grant.shareId, sessionId: grant.sessionId, who: grant.who });
    };
    this.#leaving.set(key(grant), setTimeout(leave, this.leftAfterMs));
  }

  /** The sockets shown `sessionId` through a share now: they follow its row (size, state) as its owner does. */
  socketsOn(sessionId: string): Set<V['socket']> {
    return new Set([...this.#viewers].filter((viewer) => viewer.sessionId === sessionId).map((viewer) => viewer.socket));
  }

  /**
   * A participant's keystrokes went through: the log hears who typed, now and then, and at once in
   * a run of the terminal (a restart) it has not heard them type in: each run's audit record keeps it.
   */
  typed(viewer: V): void {
    const grant = viewer.share!;
    const now = this.now();
    const run = this.system.sessionList.byId[grant.sessionId]?.run;
    const last = this.#typed.get(key(grant));
    if (last && last.run === run && now - last.at < SHARE_TYPED_EVERY_MS) return;
    this.#typed.set(key(grant), { at: now, run });
    this.system.share({ type: 'share.typed', shareId: grant.shareId, sessionId: grant.sessionId, who: grant.who });
  }

  close(): void {
    this.#stop();
    for (const timer of [...this.#timers.values(), ...this.#leaving.values()]) clearTimeout(timer);
    this.#timers.clear();
    this.#leaving.clear();
  }

  #entry(entry: LogEntry): void {
    if (!isShareFact(entry) || this.#viewers.size === 0 || this.#recheckQueued) return;
    // after the entry that caused it is folded, and not in the middle of an attach that logged it
    this.#recheckQueued = true;
    queueMicrotask(() => this.#recheck());
  }

  #recheck(): void {
    this.#recheckQueued = false;
    for (const viewer of [...this.#viewers]) {
      const granted = viewer.share!;
      const found = shareGrant(this.system.shares, viewer.socket.caller, viewer.sessionId, this.now());
      // another of the terminal's shares may still let a person in: they stay, with its role
      const now = found && !('refused' in found) ? found : undefined;
      if (!now) {
        // why their own share ended (another of the terminal's may have other reasons)
        const own = this.system.shares.byId[granted.shareId];
        const end = own && shareEnd(own, viewer.socket.caller, this.now());
        const why = shareEndMessages[end ?? (found && 'refused' in found ? found.refused : 'revoked')];
        this.remove(viewer);
        this.events.ended(viewer, why);
      } else {
        if (now.shareId !== granted.shareId) {
          // let in by another of the terminal's shares now: theirs from here on, to its own expiry
          this.remove(viewer);
          viewer.share = now;
          this.add(viewer);
        } else {
          // Armed again whatever came: a timer runs on the monotonic clock, the expiry on the wall
          // clock, so one that fired early (the wall clock stepped back) finds the share still live.
          viewer.share = now;
          this.#arm(viewer);
        }
        if (now.role !== granted.role) this.events.roleChanged(viewer);
      }
    }
  }

  /** Cut `viewer` off at its share's expiry, even if nothing is logged meanwhile. */
  #arm(viewer: V): void {
    clearTimeout(this.#timers.get(viewer));
    this.#timers.set(viewer, setTimeout(() => this.#recheck(), Math.max(0, viewer.share!.expiresAt - this.now()) + 1));
  }
}
