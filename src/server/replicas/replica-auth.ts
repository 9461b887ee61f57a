// How one replica vouches for a caller to another: a header signed with the key the replicas share
// (kept in the shared log's database, so only what can read the log can sign). It names the
// sending replica, the caller as the sender checked them, the method and path it is good for, and
// a short expiry: a captured header opens nothing else, and nothing for long; each is good once
// (a random id, remembered until it expires), so a copy taken on the way is no use. The expiry is on the
// database's clock (the store's estimate of it), so replicas whose own clocks are minutes apart
// still agree. Without a shared key (one process on a file log) the header is never honoured.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Person } from '../../domain/person.ts';
import { isPerson } from '../../domain/person.ts';
import type { Caller } from '../caller.ts';
import { isId } from '../../protocol/ids.ts';
import { UsedStates } from '../auth/used-states.ts';
import { fromBase64urlJson, toBase64urlJson } from '../auth/base64url-json.ts';

export const REPLICA_HEADER = 'x-octant-exec-replica';
/** how long a signed header is good for: a request on its way, with clocks a little apart */
export const REPLICA_HEADER_MS = 60_000;
/** how far apart two replicas' estimates of the shared clock may be */
const CLOCK_SLACK_MS = 5_000;
/** vouchers remembered as used at most (a minute of a busy service's replica calls); past it the oldest is forgotten */
const MAX_USED = 100_000;
/** a header longer than this is not one of ours */
const MAX_HEADER = 4096;

interface Voucher {
  /** format */
  v: 1;
  /** the sending replica */
  from: string;
  /** the replica it is for: another one (a copy taken on the pod network) takes nothing from it */
  to: string;
  /** e.g. "POST /api/v1/sessions/abc123-t1/close" */
  for: string;
  /** random: each voucher is good once */
  id: string;
  exp: number;
  person?: Person;
  /** a share link's browser (local mode): it stays limited to that share on the other replica too */
  share?: { shareId: string };
  admin: boolean;
}

export interface Vouched {
  from: string;
  caller: Caller;
}

export class ReplicaAuth {
  readonly #key: Uint8Array;
  readonly #mode: Caller['mode'];
  readonly #now: () => number;
  /** the ids of vouchers used, each remembered until it expires */
  readonly #used: UsedStates;

  /** `now`: the clock the replicas share (the database's); `self`: this replica's id */
  constructor(
    key: Uint8Array,
    mode: Caller['mode'],
    now: () => number,
    private readonly self: string,
  ) {
    if (key.length < 32) throw new Error('the replicas\' shared key must be at least 32 bytes');
    this.#key = key;
    this.#mode = mode;
    this.#now = now;
    this.#used = new UsedStates(now, MAX_USED);
  }

  /** The header that lets this replica act for `caller` on `method path` at replica `to`. */
  sign(to: string, caller: Caller, method: string, path: string): string {
    const now = this.#now();
    const voucher: Voucher = { v: 1, from: this.self, to, for: `${method} ${path}`, id: randomBytes(16).toString('base64url'), exp: now + REPLICA_HEADER_MS, ...(caller.person ? { person: caller.person } : {}), ...(caller.share ? { share: caller.share } : {}), admin: caller.admin };
    const body = toBase64urlJson(voucher);
    return `${body}.${this.#mac(body)}`;
  }

  /** The caller a request carries, when its header is ours, unexpired and for this very request at this replica; undefined otherwise. */
  check(header: string | string[] | undefined, method: string, path: string): Vouched | undefined {
    const now = this.#now();
    if (typeof header !== 'string' || header.length > MAX_HEADER) return undefined;
    const [body, mac, ...rest] = header.split('.');
    if (!body || !mac || rest.length) return undefined;
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const voucher = fromBase64urlJson(body) as Partial<Voucher> | null | undefined;
    if (typeof voucher !== 'object' || voucher === null) return undefined;
    // Expired, or from further ahead than a voucher's life: a clock (or a forger) this side cannot trust.
    const exp = typeof voucher.exp === 'number' ? voucher.exp : NaN;
    if (voucher.v !== 1 || voucher.to !== this.self || voucher.for !== `${method} ${path}` || !(exp > now && exp <= now + REPLICA_HEADER_MS + CLOCK_SLACK_MS) || typeof voucher.from !== 'string') return undefined;
    if (voucher.person !== undefined && !isPerson(voucher.person)) return undefined;
    if (voucher.share !== undefined && !isId(voucher.share?.shareId)) return undefined;
    if (typeof voucher.id !== 'string' || !this.#used.use(voucher.id, exp)) return undefined;
    // The person's sign-out is the sending replica's to notice: this caller has no sign-out here.
    return { from: voucher.from, caller: { mode: this.#mode, ...(voucher.person ? { person: voucher.person } : {}), ...(voucher.share ? { share: { shareId: voucher.share.shareId } } : {}), admin: voucher.admin === true, signOut: null, via: voucher.from } };
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
