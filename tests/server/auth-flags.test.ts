// The team-mode flags of `octant-exec` (serve): what each mode needs, the combinations refused in
// one line, what reaches the server, the warnings said at start; and a team-mode server as a user
// starts it, whose ready line carries no token, and which warns when it listens beyond loopback
// without https.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../src/cli/flags.ts';
import { renderHelp } from '../../src/cli/help.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { serveWarnings } from '../../src/cli/serve/serve-warnings.ts';
import { UsageError } from '../../src/cli/usage.ts';
import { DEFAULT_GROUPS_CLAIM, DEFAULT_USERNAME_CLAIM } from '../../src/server/auth/auth-settings.ts';
import { AUTH_MODES } from '../../src/protocol/index.ts';
import { startCli } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { send } from './auth-support.ts';

const options = (args: string[]) => serveOptions(parseFlags(serveSpec, args).values, { HOME: '/h' }).options;
const oidc = ['--auth', 'oidc', '--oidc-issuer', 'https://login.example.com', '--oidc-client-id', 'octant-exec', '--oidc-client-secret-file', '/run/secret'];

test('each mode with what it needs reaches the server as it was given; local mode leaves the options as they were', () => {
  assert.is(options([]).auth, undefined);
  assert.equal(options(['--auth', 'local']), options([]));
  assert.equal(options(['--auth', 'proxy', '--trusted-proxy', '10.0.0.0/8', '--trusted-proxy', 'fd00::/8', '--admin-group', 'octant-admins', '--host', '0.0.0.0']).auth, { mode: 'proxy', trustedProxies: ['10.0.0.0/8', 'fd00::/8'] });
  const team = options(['--auth', 'kube-token', '--admin-group', 'a', '--admin-group', 'b', '--public-url', 'https://exec.example.com', '--in-cluster', '--service-account-dir', '/sa']);
  assert.equal([team.auth, team.adminGroups, team.publicUrl, team.inCluster, team.serviceAccountDir], [{ mode: 'kube-token' }, ['a', 'b'], 'https://exec.example.com', true, '/sa']);
  assert.equal(options([...oidc, '--oidc-username-claim', 'email', '--oidc-groups-claim', 'roles']).auth, { mode: 'oidc', issuer: 'https://login.example.com', clientId: 'octant-exec', clientSecretFile: '/run/secret', usernameClaim: 'email', groupsClaim: 'roles' });
  assert.equal(options([...oidc, '--oidc-username-prefix', 'oidc:', '--oidc-groups-prefix', 'oidc:']).auth, { mode: 'oidc', issuer: 'https://login.example.com', clientId: 'octant-exec', clientSecretFile: '/run/secret', usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' });
  assert.equal(options(['--auth', 'proxy', '--trusted-proxy', '127.0.0.1', '--proxy-username-prefix', 'corp:', '--proxy-groups-prefix', 'corp:']).auth, { mode: 'proxy', trustedProxies: ['127.0.0.1'], usernamePrefix: 'corp:', groupsPrefix: 'corp:' });
  assert.equal(options([...oidc, '--host', '0.0.0.0', '--public-url', 'https://exec.example.com']).host, '0.0.0.0', 'a team mode may listen beyond loopback without --allow-remote');
  assert.equal(options(['--auth', 'kube-token', '--session-key-file', '/run/key']).auth, { mode: 'kube-token', sessionKeyFile: '/run/key' });
  assert.equal((options([...oidc, '--session-key-file', '/run/key']).auth as { sessionKeyFile?: string }).sessionKeyFile, '/run/key');
  assert.is(options(['--token-file', '/run/token']).tokenFile, '/run/token');
});

test('combinations that cannot work: one line each, saying what to give', () => {
  const cases: [string[], RegExp][] = [
    [['--auth', 'proxy'], /--auth proxy needs --trusted-proxy CIDR/],
    [['--auth', 'proxy', '--trusted-proxy', '10.0.0.0/40'], /--trusted-proxy: "10.0.0.0\/40" is not an address range/],
    [['--auth', 'oidc', '--oidc-issuer', 'https://x'], /--auth oidc needs --oidc-client-id, --oidc-client-secret-file/],
    [[...oidc, '--host', '0.0.0.0'], /needs --public-url/],
    [['--trusted-proxy', '10.0.0.0/8'], /--trusted-proxy is for --auth proxy, not --auth local/],
    [['--auth', 'kube-token', '--oidc-issuer', 'https://x'], /--oidc-issuer is for --auth oidc, not --auth kube-token/],
    [['--auth', 'kube-token', '--oidc-username-prefix', 'oidc:'], /--oidc-username-prefix is for --auth oidc, not --auth kube-token/],
    [[...oidc, '--proxy-groups-prefix', 'x:'], /--proxy-groups-prefix is for --auth proxy, not --auth oidc/],
    [['--admin-group', 'x'], /--admin-group is for a team mode/],
    [['--auth', 'kube-token', '--public-url', 'https://exec.example.com/app'], /--public-url takes the origin people open/],
    [['--auth', 'ldap'], /--auth takes local, proxy, oidc, kube-token, not "ldap"/],
    [['--in-cluster', '--kubeconfig', 'k'], /--in-cluster uses the pod's service account: leave out --kubeconfig/],
    [['--in-cluster', '--sandbox'], /leave out --sandbox/],
    [['--service-account-dir', '/sa'], /--service-account-dir goes with --in-cluster/],
    [['--host', '0.0.0.0'], /--allow-remote/],
    [['--auth', 'kube-token', '--token-file', 't'], /--token-file is for --auth local \(its token opens nothing in a team mode\), not --auth kube-token/],
    [['--session-key-file', 'k'], /--session-key-file is for --auth kube-token or oidc, which keep sessions, not --auth local/],
    [['--auth', 'proxy', '--trusted-proxy', '127.0.0.1', '--session-key-file', 'k'], /--session-key-file is for --auth kube-token or oidc, .*not --auth proxy/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => options(args), (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'), args.join(' '));
  }
});

test('help lists the team-mode flags with the defaults the code has', () => {
  const help = renderHelp(serveSpec);
  assert.match(help, /\nTeam mode:\n {2}--auth MODE/);
  for (const flag of ['--trusted-proxy CIDR', '--admin-group GROUP', '--public-url URL', '--oidc-issuer URL', '--oidc-client-id ID', '--oidc-client-secret-file FILE', '--oidc-username-claim CLAIM', '--oidc-groups-claim CLAIM', '--oidc-username-prefix TEXT', '--oidc-groups-prefix TEXT', '--proxy-username-prefix TEXT', '--proxy-groups-prefix TEXT', '--in-cluster', '--service-account-dir DIR', '--session-key-file FILE']) assert.ok(help.includes(flag), flag);
  assert.match(serveSpec.flags['oidc-username-claim'].help, `(default ${DEFAULT_USERNAME_CLAIM},`);
  assert.match(serveSpec.flags['oidc-groups-claim'].help, `(default ${DEFAULT_GROUPS_CLAIM})`);
  assert.equal(serveSpec.flags.auth.completes, AUTH_MODES);
  assert.match(help, /\n {2}--token-file FILE +local mode: the token from FILE/);
});

test('the warnings at start: local mode beyond loopback; a team mode beyond loopback without an https --public-url, naming what crosses in the clear', () => {
  const warnings = (args: string[]) => serveWarnings(options(args));
  assert.equal(warnings([]), []);
  assert.equal(warnings(['--host', '0.0.0.0', '--allow-remote']), ['listening on 0.0.0.0: anyone who can reach it and has the token can run commands in your containers.']);
  assert.equal(warnings(['--auth', 'kube-token', '--host', '0.0.0.0']), ['--auth kube-token on 0.0.0.0 without an https --public-url: tokens and cookies cross the network in the clear; put TLS in front (an Ingress) and pass --public-url https://…']);
  assert.equal(warnings(['--auth', 'kube-token', '--host', '10.1.2.3', '--public-url', 'http://exec.example.com']), ['--auth kube-token on 10.1.2.3 without an https --public-url: tokens and cookies cross the network in the clear; put TLS in front (an Ingress) and pass --public-url https://…']);
  assert.match(warnings([...oidc, '--host', '0.0.0.0', '--public-url', 'http://exec.example.com'])[0], /^--auth oidc on 0\.0\.0\.0 without an https --public-url: session cookies cross the network in the clear/);
  assert.equal(warnings(['--auth', 'kube-token', '--host', '0.0.0.0', '--public-url', 'https://exec.example.com']), [], 'TLS in front: nothing to say');
  assert.equal(warnings(['--auth', 'kube-token']), [], 'loopback: nothing to say');
  assert.equal(warnings(['--auth', 'kube-token', '--host', '::1']), []);
});

test('a team-mode server as a user starts it: no token in its ready line, probes answer, a warning for plain http beyond loopback, SIGTERM stops it', async () => {
  const state = mkdtempSync(join(tmpdir(), 'octant-exec-team-cli-'));
  const cli = startCli(['--sandbox', '--port', '0', '--state-dir', state, '--json', '--auth', 'proxy', '--trusted-proxy', '127.0.0.2/32', '--host', '0.0.0.0']);
  try {
    await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the JSON line', 60_000);
    const ready = JSON.parse(cli.stdout[0] ?? 'null');
    assert.ok(ready, cli.stderr());
    assert.is(ready.token, null);
    assert.not.match(ready.url, /token/);
    assert.is((await send(ready.port, '/readyz', { headers: { Host: '10.0.0.5:7788' } })).body, 'ready');
    assert.is((await send(ready.port, '/api/v1/info', { from: '127.0.0.2', headers: { 'X-Forwarded-User': 'alice' } })).json.signedIn.user, 'alice');
    assert.is((await send(ready.port, '/api/v1/info', { headers: { 'X-Forwarded-User': 'alice' } })).status, 401);
    assert.not.match(cli.stderr(), /WARNING: listening/, 'people sign in: no warning about a token anyone could use');
    assert.match(cli.stderr(), /^octant-exec: WARNING: --auth proxy on 0\.0\.0\.0 without an https --public-url: people's requests and the proxy's cookies cross the network in the clear; put TLS in front \(an Ingress\) and pass --public-url https:\/\/…$/m);
  } finally {
    cli.child.kill('SIGTERM');
    await withTimeout(cli.exit, 20_000, 'the CLI to stop');
    rmSync(state, { recursive: true, force: true });
  }
});

test.run();
