// Credentials from a kubeconfig user's exec plugin (aws eks get-token, gke-gcloud-auth-plugin,
// kubelogin), kept as client-go keeps them. client-node's ExecAuth runs the plugin and keeps its
// answer until the answer's expirationTimestamp, and no further: a token the cluster refuses
// earlier (revoked, rotated, a session ended) is sent until then, every call a 401, where kubectl
// drops it at the 401 and runs the plugin again; and an answer without an expirationTimestamp is
// never kept (Date.parse(undefined) is NaN), so the plugin (a cloud API call, a browser login)
// runs before every request, where client-go keeps it until a 401. So: an answer without an
// expiry is kept, and forgetPluginCredentials drops the kept one (after a 401) only if none was
// dropped since the refused request was made (many requests refused one after another drop it
// once, not the new one another has just got); and requests that find none wait for one run of
// the plugin, not a run each. A plugin that fails is told as itself (PluginFailed), not as a cluster out of reach.
// ExecAuth keeps its answers in `tokenCache`, by user name, and the KubeConfig its authenticators
// in `authenticators`: private to client-node's types, so they are reached through the casts below.
import type { KubeConfig, User } from '@kubernetes/client-node';
// client-node's module, not its index, which would bring its whole generated API (see core-api.ts)
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';

interface Credential {
  status?: { expirationTimestamp?: string };
}

interface ExecAuthInside {
  tokenCache: Record<string, Credential | null>;
  getCredential(user: User): Promise<Credential | null>;
  isAuthProvider(user: User): boolean;
}

/** The plugin of a user could not give credentials: nothing was sent to the cluster. */
export class PluginFailed extends Error {
  constructor(
    /** the plugin's command, as the kubeconfig names it */
    readonly command: string,
    /** it is not installed (not found) rather than failing */
    readonly missing: boolean,
    /** what it wrote on stderr, or why it could not run or be read */
    readonly said: string,
    /** the kubeconfig's installHint for it, if any */
    readonly installHint: string | undefined,
  ) {
    super(`the credential plugin ${command} failed: ${said}`);
  }
}

/** The ExecAuth of `config` (an impersonating view shares its kubeconfig's), the one that serves `user`; else undefined. */
function execAuthFor(config: KubeConfig, user: User | null): ExecAuthInside | undefined {
  const authenticators = (config as unknown as { authenticators?: unknown[] }).authenticators ?? [];
  const auth = authenticators.find((authenticator) => authenticator instanceof ExecAuth) as ExecAuthInside | undefined;
  return user && auth?.isAuthProvider(user) ? auth : undefined;
}

const kept = new WeakSet<ExecAuthInside>();

/** From now on, `config`'s plugin answers without an expiry are kept until forgotten, and its failures are PluginFailed. Done once per kubeconfig. */
export function keepPluginCredentials(config: KubeConfig): void {
  const auth = execAuthFor(config, config.getCurrentUser());
  if (!auth || kept.has(auth)) return;
  kept.add(auth);
  const run = auth.getCredential.bind(auth);
  /** each user's plugin run under way: every request that needs an answer meanwhile waits for it */
  const running = new Map<string, Promise<Credential | null>>();
  auth.getCredential = async (user) => {
    const cached = auth.tokenCache[user.name];
    if (cached && cached.status?.expirationTimestamp === undefined) return cached;
    let answer = running.get(user.name);
    if (!answer) {
      answer = run(user).finally(() => running.delete(user.name));
      running.set(user.name, answer);
    }
    try {
      return await answer;
    } catch (error) {
      throw pluginFailed(user, error);
    }
  };
}

/** each ExecAuth's count of answers dropped, by user: a request made before the last drop went with an answer already dropped */
const drops = new WeakMap<ExecAuthInside, Map<string, number>>();

/** Which of `config`'s user's answers a request about to be made goes with (however it gets it: kept, or from a run under way or to come), for forgetPluginCredentials. */
export function credentialsSent(config: KubeConfig): number | undefined {
  const user = config.getCurrentUser();
  const auth = execAuthFor(config, user);
  return user && auth ? (drops.get(auth)?.get(user.name) ?? 0) : undefined;
}

/**
 * After a 401 of a request made with `sent` (credentialsSent before it; undefined: the answer kept
 * now): forgets the answer kept for `config`'s user, unless it was dropped since that request was
 * made (another refused request did, and the answer kept now is newer), so that the next request
 * runs the plugin again. False when the user's credentials do not come from a plugin (nothing to refresh).
 */
export function forgetPluginCredentials(config: KubeConfig, sent?: number): boolean {
  const user = config.getCurrentUser();
  const auth = execAuthFor(config, user);
  if (!user || !auth) return false;
  const counts = drops.get(auth) ?? new Map<string, number>();
  drops.set(auth, counts);
  const dropped = counts.get(user.name) ?? 0;
  if (sent !== undefined && sent !== dropped) return true;
  auth.tokenCache[user.name] = null;
  counts.set(user.name, dropped + 1);
  return true;
}

function pluginFailed(user: User, error: unknown): PluginFailed {
  const exec = (user.exec ?? user.authProvider?.config?.exec) as { command?: string; installHint?: string } | undefined;
  const command = exec?.command ?? '(no command)';
  const { code, message } = error as { code?: string; message?: string };
  // ExecAuth rejects with the spawn error (ENOENT: not found), the plugin's stderr when it exits
  // non-zero, or the JSON parser's error when its answer is not JSON
  const said = error instanceof SyntaxError ? `its answer is not an ExecCredential (${message})` : (message ?? String(error)).trim() || 'it exited with an error and said nothing';
  return new PluginFailed(command, code === 'ENOENT', said, exec?.installHint?.trim() || undefined);
}
