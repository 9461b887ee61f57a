// When a request the cluster refused is asked again, as kubectl (client-go) asks it: the reads,
// and the exec upgrade, whose refusal means no process started. Two cases:
// - a 401 for a user whose credentials come from an exec plugin: the plugin's kept answer is
//   dropped and the request made once more with a new one (plugin-credentials.ts);
// - a 429 (Too Many Requests, API Priority and Fairness) or a 503 (an API server starting or
//   stopping) that says Retry-After (client-go asks again only then: a 503 from a load balancer
//   without it may come after the request was done): up to 10 more times, as client-go, each
//   after the wait it asked for (whole seconds; 1 s for a date), at most 10 s, never once the
//   caller has given up, and, for an exec's upgrade, within a budget: the terminal gives its
//   start 30 s, and a busy cluster must be said as busy, not as one that did not answer.
// The pod watch is started again by pod-watches.ts; its list goes through here.
import type { KubeConfig } from '@kubernetes/client-node';
import { credentialsSent, forgetPluginCredentials, keepPluginCredentials } from './plugin-credentials.ts';

/** client-go's maxRetries for a read the cluster is too busy for */
export const BUSY_RETRIES = 10;
const DEFAULT_WAIT_MS = 1_000;
/** a Retry-After longer than this is waited this long: a caller waits for the answer meanwhile */
export const MAX_WAIT_MS = 10_000;

/** What of a refusal decides whether to ask again: its HTTP code and its Retry-After header. */
export interface Refusal {
  code: number;
  retryAfter?: string | undefined;
}

export const isBusy = (code: number): boolean => code === 429 || code === 503;

/** How long, in all, an exec's upgrade waits on a busy cluster before it is said busy (under the terminal's 30 s to start) */
export const UPGRADE_BUSY_BUDGET_MS = 10_000;

/** The wait a Retry-After asks for (client-go reads whole seconds only; a date is 1 s), capped. */
export function retryAfterMs(header: string): number {
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
  return seconds === undefined ? DEFAULT_WAIT_MS : Math.min(seconds * 1_000, MAX_WAIT_MS);
}

/**
 * `attempt` until it succeeds, or fails in a way asking again does not mend (its error is then
 * thrown). `refusalOf` reads an error as the cluster's refusal, or undefined for anything else;
 * `signal`: the caller gave up (its reason is thrown, even in the middle of a wait); `budgetMs`:
 * the most it waits in all on a busy cluster (a wait that would pass it is not made).
 */
export async function askingAgain<T>(config: KubeConfig, attempt: () => Promise<T>, refusalOf: (error: unknown) => Refusal | undefined, { signal, budgetMs = Infinity }: { signal?: AbortSignal; budgetMs?: number } = {}): Promise<T> {
  keepPluginCredentials(config);
  let busyRetries = 0;
  let waited = 0;
  let refreshed = false;
  for (;;) {
    const sent = credentialsSent(config);
    try {
      return await attempt();
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal?.code === 401 && !refreshed && forgetPluginCredentials(config, sent)) {
        refreshed = true;
        continue;
      }
      if (!refusal || !isBusy(refusal.code) || refusal.retryAfter === undefined || busyRetries === BUSY_RETRIES) throw error;
      const wait = retryAfterMs(refusal.retryAfter);
      if (waited + wait > budgetMs) throw error;
      busyRetries++;
      waited += wait;
      await pause(wait, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const given = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', given);
      resolve();
    }, ms);
    signal?.addEventListener('abort', given, { once: true });
  });
}

/** How a request the cluster was still too busy for ends (asked again as it allowed, or not at all): what happened, and to try again. */
export function busySentence(code: number, what: string): string {
  const name = code === 429 ? 'Too Many Requests' : 'Service Unavailable';
  return `The cluster is busy (${code} ${name}): it refused to ${what}. Try again in a moment.`;
}
