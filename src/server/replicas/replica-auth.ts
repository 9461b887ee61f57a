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
import { MAX_GROUPS, MAX_NAME_LENGTH } from '../auth/person-names.ts';
import type { Caller, SignIn } from '../caller.ts';
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
/**
 * The longest voucher made for anyone who can sign in, derived from what a person may be
 * (person-names.ts): a user and MAX_GROUPS groups of at most MAX_NAME_LENGTH UTF-16 units each.
 * In the voucher's JSON a unit takes at most 3 bytes (UTF-8; a `"` or `\` escaped takes 2, and
 * what JSON escapes in 6, control characters and lone surrogates, is never in a name), and a name
 * its quotes and a comma besides; the rest (replica ids, the request, the voucher's id, a share
 * id, a sign-in's hash and end) fits in VOUCHER_REST_BYTES many times over. Then base64url (4 characters for 3 bytes), a dot
 * and the MAC. A signed sign-in cookie holds far less (4000 characters); a proxy's groups may come
 * near this.
 */
const NAME_JSON_BYTES = 3 * MAX_NAME_LENGTH + 3;
const VOUCHER_REST_BYTES = 1024;
/** an HMAC-SHA256 (32 bytes) in base64url */
const MAC_LENGTH = 43;
export const MAX_VOUCHER_LENGTH = Math.ceil(((1 + MAX_GROUPS) * NAME_JSON_BYTES + VOUCHER_REST_BYTES) / 3) * 4 + 1 + MAC_LENGTH;
/**
 * The request headers a replica's server takes (Node's and Deno's node:http refuse more with 431
 * before any code of ours runs): the 16 KiB every request has by default, and a voucher besides.
 */
export const REPLICA_MAX_HEADER_BYTES = 16 * 1024 + MAX_VOUCHER_LENGTH;

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
  /** the sign-in session the caller comes from: what it makes there (a share) ends with it, as it would here */
  signIn?: SignIn;
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

  /** `now`: the clock the replicas share (the database's); `self`: this replica's id; `warn`: the server log */
  constructor(
    key: Uint8Array,
    mode: Caller['mode'],
    now: () => number,
    private readonly self: string,
    private readonly warn: (message: string) => void,
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
    const voucher: Voucher = { v: 1, from: this.self, to, for: `${method} ${path}`, id: randomBytes(16).toString('base64url'), exp: now + REPLICA_HEADER_MS, ...(caller.person ? { person: caller.person } : {}), ...(caller.share ? { share: caller.share } : {}), ...(caller.signIn ? { signIn: caller.signIn } : {}), admin: caller.admin };
    const body = toBase64urlJson(voucher);
    return `${body}.${this.#mac(body)}`;
  }

  /**
   * The caller a request carries, when its header is ours, unexpired and for this very request at
   * this replica; undefined otherwise. A voucher signed with the shared key but refused is a
   * replica's call failing for a person, which nothing else would show: the server log says why
   * (never the header). One not signed with it is anyone's to send, and a line for each would let
   * anyone who reaches the server fill its log: it is refused without a word.
   */
  check(header: string | string[] | undefined, method: string, path: string): Vouched | undefined {
    const checked = this.#checked(header, method, path);
    if (typeof checked === 'string') return void this.warn(`refused a replica voucher for ${method} ${path}: ${checked}`);
    return checked;
  }

  /** The caller `header` vouches for, why a signed one does not, or undefined for one not signed with the shared key. */
  #checked(header: string | string[] | undefined, method: string, path: string): Vouched | string | undefined {
    const now = this.#now();
    if (typeof header !== 'string' || header.length > MAX_VOUCHER_LENGTH) return undefined;
    const [body, mac, ...rest] = header.split('.');
    if (!body || !mac || rest.length) return undefined;
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const voucher = fromBase64urlJson(body) as Partial<Voucher> | null | undefined;
    if (typeof voucher !== 'object' || voucher === null || voucher.v !== 1 || typeof voucher.from !== 'string') return 'it has another format (during a rollout, from an older build)';
    const from = `from replica ${JSON.stringify(voucher.from)}`;
    if (voucher.to !== this.self) return `${from}, it is for another replica (${JSON.stringify(voucher.to)})`;
    if (voucher.for !== `${method} ${path}`) return `${from}, it is for another request`;
    // Expired, or from further ahead than a voucher's life: a clock (or a forger) this side cannot trust.
    const exp = typeof voucher.exp === 'number' ? voucher.exp : NaN;
    if (!(exp > now && exp <= now + REPLICA_HEADER_MS + CLOCK_SLACK_MS)) return `${from}, it expired, or its replica's estimate of the database's clock is more than ${CLOCK_SLACK_MS} ms from this one's`;
    if (voucher.person !== undefined && !isPerson(voucher.person)) return `${from}, its person is not one`;
    if (voucher.share !== undefined && !isId(voucher.share?.shareId)) return `${from}, its share is not one`;
    if (voucher.signIn !== undefined && !isSignIn(voucher.signIn)) return `${from}, its sign-in is not one`;
    if (typeof voucher.id !== 'string' || !this.#used.use(voucher.id, exp)) return `${from}, it was used already`;
    // The person's sign-out is the sending replica's to notice: this caller has no sign-out here.
    return { from: voucher.from, caller: { mode: this.#mode, ...(voucher.person ? { person: voucher.person } : {}), ...(voucher.share ? { share: { shareId: voucher.share.shareId } } : {}), ...(voucher.signIn ? { signIn: { idHash: voucher.signIn.idHash, endsAt: voucher.signIn.endsAt } } : {}), admin: voucher.admin === true, signOut: null, via: voucher.from } };
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

/** A session id's SHA-256 in base64url (auth/revocations.ts) and an end. */
function isSignIn(value: unknown): value is SignIn {
  const signIn = value as Partial<SignIn> | null;
  return typeof signIn === 'object' && signIn !== null && typeof signIn.idHash === 'string' && /^[A-Za-z0-9_-]{43}$/.test(signIn.idHash) && Number.isFinite(signIn.endsAt);
}
