// `octant-exec sign-in` against a real server in kube-token mode: each person's token (from their
// kubeconfig, a credential plugin, a file or stdin) traded for a session that exec, people and the
// socket then use as the browser uses its cookie; kept for that server alone, readable by the user
// alone, never printed; ended by sign-out (on the server too) or by an admin, each said with what to
// do next. Refusals are the server's sentences; bad input is a usage error before anything is sent.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { send } from '../server/auth-support.ts';
import { startTestApp, type TestApp } from '../server/support.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-sign-in-'));
let app: TestApp;
let local: TestApp;
/** each person's own machine: the state folder their sign-ins are kept in */
const stateOf = (user: string) => join(dir, `${user}-state`);
const cli = (user: string, args: string[], env: Record<string, string> = {}, input?: string) => runCli(args, 60_000, { env: { XDG_STATE_HOME: stateOf(user), ...env }, ...(input !== undefined ? { input } : {}) });
const signIn = (user: string, args: string[] = [], env: Record<string, string> = {}, input?: string) => cli(user, ['sign-in', '--server', app.origin, ...args], env, input);
const keptFiles = (user: string) => {
  const folder = join(stateOf(user), 'octant-exec', 'sign-ins');
  return existsSync(folder) ? readdirSync(folder).map((name) => join(folder, name)) : [];
};
const keptCookie = (user: string) => JSON.parse(readFileSync(keptFiles(user)[0], 'utf8')).cookie as string;
const info = (cookie: string) => send(app.port, '/api/v1/info', { headers: { Cookie: cookie } });

test.before(async () => {
  app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'] });
  local = await startTestApp();
});
test.after(async () => {
  await app?.close();
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("signed in with the kubeconfig's token, exec runs as that person through the kept session, which nobody else may read and nothing prints", async () => {
  const alice = app.sandbox!.users.alice;
  const signed = await signIn('alice', ['--kubeconfig', alice.kubeconfigPath]);
  assert.is(signed.code, 0, signed.stderr);
  assert.match(signed.stdout, new RegExp(`^signed in to ${app.origin} as alice \\(groups dev, system:authenticated\\), with the token of kubeconfig user "alice" \\(context octant-exec-sandbox-alice\\), until \\d{4}-\\d\\d-\\d\\dT`));
  const [file] = keptFiles('alice');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.is(statSync(join(stateOf('alice'), 'octant-exec', 'sign-ins')).mode & 0o777, 0o700);
  const cookie = keptCookie('alice');
  assert.match(cookie, /^octant_exec_session=/);
  assert.not.ok(signed.stdout.includes(cookie.split('=')[1]) || signed.stderr.includes(cookie.split('=')[1]), 'the session is never printed');
  assert.not.ok(readFileSync(file, 'utf8').includes(alice.token), 'the token is not kept');
  assert.is((await info(cookie)).json.signedIn.user, 'alice');

  // a token exported for some local server is not sent here: the sign-in made for this server wins
  const ran = await cli('alice', ['exec', '--server', app.origin, 'batch/worker-1', '-c', 'main', '--', 'sh', '-c', 'echo ran as $HOSTNAME'], { OCTANT_EXEC_TOKEN: 'a-local-token' });
  assert.is(ran.code, 0, ran.stderr);
  assert.is(ran.stdout, 'ran as worker-1\n');
  const records = (await send(app.port, '/api/v1/audit', { headers: { Cookie: cookie } })).json.records;
  assert.equal(records.map((record: { person?: { user: string } }) => record.person?.user), ['alice'], 'the exec ran as her');

  const json = await signIn('alice', ['--kubeconfig', alice.kubeconfigPath, '--json']);
  const said = JSON.parse(json.stdout);
  assert.equal(Object.keys(said).sort(), ['admin', 'expiresAt', 'groups', 'server', 'user']);
  assert.equal([said.server, said.user, said.groups, said.admin], [app.origin, 'alice', ['dev', 'system:authenticated'], false]);
  assert.is(keptFiles('alice').length, 1, 'a second sign-in replaces the first');

  // the same session copied from a browser, in --cookie-file, on another machine (no kept sign-in)
  const copied = join(dir, 'alice.cookie');
  writeFileSync(copied, `${keptCookie('alice')}\n`, { mode: 0o600 });
  const elsewhere = await cli('alice-elsewhere', ['exec', '--server', app.origin, '--cookie-file', copied, 'batch/worker-2', '-c', 'main', '--', 'sh', '-c', 'echo $HOSTNAME']);
  assert.equal([elsewhere.code, elsewhere.stdout], [0, 'worker-2\n'], elsewhere.stderr);
});

test('sign-out ends the session on the server (a copy is worth nothing) and here; then the commands say to sign in', async () => {
  const bob = app.sandbox!.users.bob;
  assert.is((await signIn('bob', ['--kubeconfig', bob.kubeconfigPath])).code, 0);
  const cookie = keptCookie('bob');
  assert.is((await info(cookie)).status, 200);
  const out = await cli('bob', ['sign-out', '--server', app.origin]);
  assert.equal(out, { code: 0, stdout: `signed out of ${app.origin}\n`, stderr: '' });
  assert.is((await info(cookie)).status, 401, 'the server forgot the session');
  assert.equal(keptFiles('bob'), []);
  const exec = await cli('bob', ['exec', '--server', app.origin, 'batch/worker-1', '--', 'true']);
  assert.is(exec.code, 2);
  assert.match(exec.stderr, `run \`octant-exec sign-in --server ${app.origin}\` first`);
  assert.equal(JSON.parse((await cli('bob', ['sign-out', '--server', app.origin, '--json'])).stdout), { server: app.origin, outcome: 'none' });
});

test("a token from stdin, and an admin's people command through the kept sign-in; an admin's sign-out of the person is told with what to do", async () => {
  const carol = app.sandbox!.users.carol;
  const signed = await signIn('carol', ['--kube-token-file', '-'], {}, `Bearer ${carol.token}\n`);
  assert.is(signed.code, 0, signed.stderr);
  assert.match(signed.stdout, 'as carol (groups octant-admins, system:authenticated), an admin, with the token from stdin, until');
  const alice = app.sandbox!.users.alice;
  assert.is((await signIn('alice', ['--kubeconfig', alice.kubeconfigPath])).code, 0);
  const shown = await cli('carol', ['people', 'show', 'alice', '--server', app.origin]);
  assert.is(shown.code, 0, shown.stderr);
  const out = await cli('carol', ['people', 'sign-out', 'alice', '--server', app.origin]);
  assert.is(out.code, 0, out.stderr);
  const after = await cli('alice', ['exec', '--server', app.origin, 'batch/worker-1', '--', 'true']);
  assert.is(after.code, 1);
  assert.match(after.stderr, `run \`octant-exec sign-in --server ${app.origin}\` again (you were alice)`);
});

test("a kubeconfig user's credential plugin gives the token, as it gives kubectl's", async () => {
  const bob = app.sandbox!.users.bob;
  const plugin = join(dir, 'plugin.sh');
  writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${join(dir, 'bob.token')})"\n`);
  chmodSync(plugin, 0o755);
  writeFileSync(join(dir, 'bob.token'), bob.token, { mode: 0o600 });
  const kubeconfig = join(dir, 'plugin.kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'c', contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }], clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } } }] }));
  const signed = await signIn('plugin', ['--kubeconfig', kubeconfig]);
  assert.is(signed.code, 0, signed.stderr);
  assert.match(signed.stdout, 'as bob (groups viewers, system:authenticated)');
});

test('refusals: a wrong token, a service account, a client certificate, plain http to another machine, a server in local mode', async () => {
  const wrong = join(dir, 'wrong.token');
  writeFileSync(wrong, 'not-a-token-of-this-cluster', { mode: 0o600 });
  const refused = await signIn('eve', ['--kube-token-file', wrong]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /^octant-exec sign-in: The cluster did not accept this token/);
  assert.equal(keptFiles('eve'), []);
  const robot = join(dir, 'robot.token');
  writeFileSync(robot, app.sandbox!.users['octant-exec'].token, { mode: 0o600 });
  assert.match((await signIn('eve', ['--kube-token-file', robot])).stderr, "a service account's, not a person's");

  const cert = join(dir, 'cert.kubeconfig');
  writeFileSync(cert, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'c', contexts: [{ name: 'c', context: { cluster: 'k', user: 'admin' } }], clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'admin', user: { 'client-certificate-data': 'QQ==', 'client-key-data': 'QQ==' } }] }));
  const certOut = await signIn('eve', ['--kubeconfig', cert]);
  assert.is(certOut.code, 2);
  assert.match(certOut.stderr, 'proves who it is with a client certificate, not a token');

  const remote = await cli('eve', ['sign-in', '--server', 'http://192.0.2.1:7788', '--kube-token-file', wrong]);
  assert.is(remote.code, 2);
  assert.match(remote.stderr, 'plain http on another machine');

  const localOut = await cli('eve', ['sign-in', '--server', local.origin, '--kube-token-file', wrong]);
  assert.is(localOut.code, 1);
  assert.match(localOut.stderr, 'local mode');

  // the server is named where the person sees it, never taken from the environment
  const fromEnv = await cli('eve', ['sign-in', '--kube-token-file', wrong], { OCTANT_EXEC_URL: app.origin });
  assert.is(fromEnv.code, 2);
  assert.match(fromEnv.stderr, 'say which server to sign in to with --server URL (not $OCTANT_EXEC_URL');
  const twoLines = join(dir, 'two-lines.token');
  writeFileSync(twoLines, 'first-line\nsecond-line\n', { mode: 0o600 });
  const split = await signIn('eve', ['--kube-token-file', twoLines]);
  assert.is(split.code, 2);
  assert.match(split.stderr, `--kube-token-file ${twoLines} holds no bearer token: put the token alone in it, on one line`);
  assert.equal(keptFiles('eve'), []);
});

test('a server whose answer is no sign-in (a control character, a header-breaking cookie) is refused, and nothing is kept', async () => {
  const token = join(dir, 'any.token');
  writeFileSync(token, 'some-token', { mode: 0o600 });
  const answers = [
    { cookie: 'octant_exec_session=a\r\nX-Evil: 1', user: 'mallory', groups: [], admin: false, expiresAt: '2030-01-01T00:00:00.000Z' },
    { cookie: 'octant_exec_session=a', user: 'mallory', groups: [], admin: false, expiresAt: '2030-01-01 (\u001b]0;title\u0007)' },
    { cookie: 'octant_exec_session=a', user: 'mallory' },
  ];
  for (const answer of answers) {
    // it says it takes a token, as a kube-token server does; then answers the trade with something else
    const ways = { mode: 'kube-token', commandLine: ['token', 'browser'] };
    const fake = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(req.method === 'GET' ? ways : answer)));
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const out = await cli('frank', ['sign-in', '--server', origin, '--kube-token-file', token]);
    fake.close();
    assert.is(out.code, 1, JSON.stringify(answer));
    assert.match(out.stderr, `the server at ${origin} answered the sign-in with something that is not one`);
    assert.not.ok(/[\u0000-\u0009\u000b-\u001f]/.test(out.stdout + out.stderr), 'no control character reaches the terminal');
    assert.equal(keptFiles('frank'), []);
  }
});

test('a sign-in kept for an address where a local server now answers is said to be another server\'s; sign-out forgets it; one that cannot be reached is kept', async () => {
  const folder = join(stateOf('gina'), 'octant-exec', 'sign-ins');
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  chmodSync(folder, 0o755);
  const keep = (server: string) => writeFileSync(join(folder, `${encodeURIComponent(server)}.json`), JSON.stringify({ server, cookie: 'octant_exec_session=from-a-port-forward', user: 'gina', groups: [], admin: false, expiresAt: '2099-01-01T00:00:00.000Z' }), { mode: 0o600 });
  keep(local.origin);
  const env = { OCTANT_EXEC_TOKEN: local.token };
  const sent = await cli('gina', ['exec', '--server', local.origin, 'batch/worker-1', '--', 'true'], env);
  assert.is(sent.code, 1);
  assert.match(sent.stderr, `The sign-in kept for ${local.origin} (as gina, with a team's server) was sent, and this server does not take it: it is another at the same address. \`octant-exec sign-out --server ${local.origin}\` forgets it`);
  const out = await cli('gina', ['sign-out', '--server', local.origin, '--json']);
  assert.is(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout), { server: local.origin, outcome: 'forgotten' });
  assert.is(statSync(folder).mode & 0o777, 0o755, 'sign-out leaves the folder as it is');
  const ran = await cli('gina', ['exec', '--server', local.origin, 'batch/worker-1', '-c', 'main', '--', 'echo', 'local'], env);
  assert.equal([ran.code, ran.stdout], [0, 'local\n'], ran.stderr);

  const gone = 'http://127.0.0.1:1';
  keep(gone);
  const failed = await cli('gina', ['sign-out', '--server', gone]);
  assert.is(failed.code, 1);
  assert.match(failed.stderr, `the server did not sign you out, so your sign-in to ${gone} is still kept here`);
  assert.is(keptFiles('gina').length, 1);
  // a sign-in made there closes the folder others could read
  const bob = app.sandbox!.users.bob;
  assert.is((await cli('gina', ['sign-in', '--server', app.origin, '--kubeconfig', bob.kubeconfigPath])).code, 0);
  assert.is(statSync(folder).mode & 0o777, 0o700);
});

test('a kept sign-in past its end is said as such, and sign-out forgets it', async () => {
  const folder = join(stateOf('dave'), 'octant-exec', 'sign-ins');
  const past = { server: app.origin, cookie: 'octant_exec_session=old', user: 'dave', groups: [], admin: false, expiresAt: '2020-01-01T00:00:00.000Z' };
  await cli('dave', ['sign-out', '--server', app.origin]); // nothing kept yet: nothing done
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(join(folder, `${encodeURIComponent(app.origin)}.json`), JSON.stringify(past), { mode: 0o600 });
  const exec = await cli('dave', ['exec', '--server', app.origin, 'batch/worker-1', '--', 'true']);
  assert.is(exec.code, 2);
  assert.match(exec.stderr, `your sign-in to ${app.origin} (as dave) ended at 2020-01-01T00:00:00.000Z: run \`octant-exec sign-in --server ${app.origin}\` again`);
  assert.equal(await cli('dave', ['sign-out', '--server', app.origin]), { code: 0, stdout: `your sign-in to ${app.origin} had ended by itself (at 2020-01-01T00:00:00.000Z): forgotten here\n`, stderr: '' });
  assert.equal(keptFiles('dave'), []);
});

test.run();
