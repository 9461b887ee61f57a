// What a replica asks of the others: a request about a terminal another replica holds is answered
// by that replica (the caller vouched for with the shared key), and a lost replica's terminal is
// taken over here. A request that came from another replica is never sent on again, so two
// replicas that disagree for a moment about an owner cannot pass a request back and forth.
import type { ReplicaInfo } from '../../events/shared-store.ts';
import type { ReplicaWatch } from '../../runtime/replica-watch.ts';
import type { Caller } from '../caller.ts';
import { HttpError } from '../replies.ts';
import { REPLICA_HEADER, type ReplicaAuth } from './replica-auth.ts';

/** a replica that does not answer in this long is as good as lost for this request */
const FORWARD_TIMEOUT_MS = 10_000;

export class ReplicaPeers {
  constructor(
    readonly self: ReplicaInfo,
    readonly auth: ReplicaAuth,
    readonly watch: ReplicaWatch,
  ) {}

  /** Where replica `id` is reached, when it is live. */
  advertise(id: string): string | undefined {
    return this.watch.live(id)?.advertise;
  }

  /** The header that vouches for `caller` on `method path` at replica `to`. */
  voucher(to: string, caller: Caller, method: string, path: string): Record<string, string> {
    return { [REPLICA_HEADER]: this.auth.sign(to, caller, method, path) };
  }

  /** Sends an API call to replica `id` for `caller`; its answer, or an HttpError saying what went wrong on the way. */
  async forward(id: string, caller: Caller, method: 'GET' | 'POST', path: string): Promise<unknown> {
    const advertise = this.advertise(id);
    if (!advertise) throw new HttpError(503, `The replica that runs this terminal (${id}) is not answering; if it is lost, its terminals are marked disconnected within seconds. Try again then.`);
    // The replicas' own addresses stay between them: the page is told the replica's id only.
    let response: Response;
    try {
      response = await fetch(new URL(path, advertise), {
        method,
        headers: { ...this.voucher(id, caller, method, path), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body: '{}' } : {}),
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
    } catch (error) {
      throw new HttpError(503, `The replica that runs this terminal (${id}) did not answer (${(error as Error).message}). Try again in a few seconds.`);
    }
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok) throw new HttpError(response.status, body.error?.message ?? `The replica that runs this terminal answered ${response.status}.`);
    return body;
  }
}
