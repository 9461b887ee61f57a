// The serve command's team-mode flags as server options: the sign-in mode and what it needs, the
// server's own identity in a pod, and the combinations that cannot work, each refused with one line
// that says what to give instead. The server checks the same again (tests start it directly).
import { AUTH_MODES, type AuthMode } from '../../protocol/index.ts';
import type { AuthOptions, OctantExecOptions } from '../../server/app.ts';
import { TrustedPeers } from '../../server/auth/trusted-peers.ts';
import type { FlagValues } from '../flags.ts';
import { UsageError, oneOf } from '../usage.ts';
import type { serveSpec } from './serve-spec.ts';

type TeamOptions = Pick<OctantExecOptions, 'auth' | 'adminGroups' | 'publicUrl' | 'inCluster' | 'serviceAccountDir'>;

const PROXY_FLAGS = ['trusted-proxy', 'proxy-username-prefix', 'proxy-groups-prefix'] as const;
const OIDC_FLAGS = ['oidc-issuer', 'oidc-client-id', 'oidc-client-secret-file', 'oidc-username-claim', 'oidc-groups-claim', 'oidc-username-prefix', 'oidc-groups-prefix'] as const;
// --public-url is not among them: local mode behind a proxy or an Ingress needs its Host and
// Origin allowed (and Secure cookies over https) as much as a team mode does.
const TEAM_FLAGS = ['admin-group'] as const;

export function teamOptions(v: FlagValues<typeof serveSpec>, listensBeyondLoopback: boolean): TeamOptions {
  const mode: AuthMode = v.auth === undefined ? 'local' : oneOf('--auth', v.auth, AUTH_MODES);
  const given = (flags: readonly (keyof typeof v)[]) => flags.filter((flag) => v[flag] !== undefined);
  const stray = [...(mode === 'local' ? given(TEAM_FLAGS) : []), ...(mode === 'proxy' ? [] : given(PROXY_FLAGS)), ...(mode === 'oidc' ? [] : given(OIDC_FLAGS))];
  if (stray.length) throw new UsageError(`--${stray[0]} is for ${OIDC_FLAGS.includes(stray[0] as never) ? '--auth oidc' : PROXY_FLAGS.includes(stray[0] as never) ? '--auth proxy' : 'a team mode (--auth proxy, oidc or kube-token)'}, not --auth ${mode}`);
  if (v['token-file'] !== undefined && mode !== 'local') throw new UsageError(`--token-file is for --auth local (its token opens nothing in a team mode), not --auth ${mode}`);
  if (v['session-key-file'] !== undefined && mode !== 'kube-token' && mode !== 'oidc') throw new UsageError(`--session-key-file is for --auth kube-token or oidc, which keep sessions, not --auth ${mode}`);
  if (v['in-cluster'] && (v.kubeconfig || v.sandbox || v.context)) throw new UsageError(`--in-cluster uses the pod's service account: leave out --${v.kubeconfig ? 'kubeconfig' : v.sandbox ? 'sandbox' : 'context'}`);
  if (v['service-account-dir'] && !v['in-cluster']) throw new UsageError('--service-account-dir goes with --in-cluster');
  if (v['public-url'] !== undefined) publicUrl(v['public-url']);
  const auth = authOptions(mode, v, listensBeyondLoopback);
  return {
    ...(mode === 'local' ? {} : { auth }),
    ...(v['admin-group'] ? { adminGroups: v['admin-group'] } : {}),
    ...(v['public-url'] ? { publicUrl: v['public-url'] } : {}),
    ...(v['in-cluster'] ? { inCluster: true } : {}),
    ...(v['service-account-dir'] ? { serviceAccountDir: v['service-account-dir'] } : {}),
  };
}

function authOptions(mode: AuthMode, v: FlagValues<typeof serveSpec>, listensBeyondLoopback: boolean): AuthOptions {
  switch (mode) {
    case 'local':
      return { mode };
    case 'kube-token':
      return { mode, ...sessionKeyFile(v) };
    case 'proxy':
      if (!v['trusted-proxy']) throw new UsageError('--auth proxy needs --trusted-proxy CIDR (the proxy\'s address range, e.g. 10.0.0.0/8 or 127.0.0.1/32 for a sidecar): without it, anyone could say who they are');
      try {
        new TrustedPeers(v['trusted-proxy']);
      } catch (error) {
        throw new UsageError(`--trusted-proxy: ${(error as Error).message}`);
      }
      return {
        mode,
        trustedProxies: v['trusted-proxy'],
        ...(v['proxy-username-prefix'] !== undefined ? { usernamePrefix: v['proxy-username-prefix'] } : {}),
        ...(v['proxy-groups-prefix'] !== undefined ? { groupsPrefix: v['proxy-groups-prefix'] } : {}),
      };
    case 'oidc': {
      const missing = (['oidc-issuer', 'oidc-client-id', 'oidc-client-secret-file'] as const).filter((flag) => !v[flag]);
      if (missing.length) throw new UsageError(`--auth oidc needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
      if (listensBeyondLoopback && !v['public-url']) throw new UsageError('--auth oidc on a non-loopback --host needs --public-url (the URL people open; the identity provider sends them back to URL/auth/callback)');
      return {
        mode,
        issuer: v['oidc-issuer']!,
        clientId: v['oidc-client-id']!,
        clientSecretFile: v['oidc-client-secret-file']!,
        ...(v['oidc-username-claim'] ? { usernameClaim: v['oidc-username-claim'] } : {}),
        ...(v['oidc-groups-claim'] ? { groupsClaim: v['oidc-groups-claim'] } : {}),
        ...(v['oidc-username-prefix'] !== undefined ? { usernamePrefix: v['oidc-username-prefix'] } : {}),
        ...(v['oidc-groups-prefix'] !== undefined ? { groupsPrefix: v['oidc-groups-prefix'] } : {}),
        ...sessionKeyFile(v),
      };
    }
  }
}

/** kube-token and oidc: the file the server reads the session key from at start. */
function sessionKeyFile(v: FlagValues<typeof serveSpec>): { sessionKeyFile?: string } {
  return v['session-key-file'] !== undefined ? { sessionKeyFile: v['session-key-file'] } : {};
}

function publicUrl(text: string): void {
  try {
    const url = new URL(text);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash) return;
  } catch {
    // said below
  }
  throw new UsageError(`--public-url takes the origin people open, like https://exec.example.com, not "${text.slice(0, 60)}"`);
}
