// `octant-exec sign-in --browser` against real servers: the command prints the page's address and
// a code, opens it (a stand-in xdg-open records what it was given), and waits on loopback; a
// person signed in on the page (kube-token's form, or the OIDC code flow through a real OpenID
// Provider) allows it there, the browser is sent back with a one-time code, and the command gets a
// session of the same person, kept and used as any other. In oidc mode the browser is the only
// way, and no token is read; the listener takes nothing from a page that is not ours.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type Cli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { formOf, Jar, send } from '../server/auth-support.ts';
import { startTestApp, type TestApp } from '../server/support.ts';
import { kubeTokenSignIn, TestIssuer } from '../server/team-sign-in.ts';
import { shownCode } from '../../src/protocol/http.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-sign-in-browser-'));
// a stand-in opener on the PATH: what the command gives it (its argument, and that file), written down
const bin = join(dir, 'bin');
const opened = join(dir, 'opened');
let kube: TestApp;
let oidc: TestApp;
let idp: TestIssuer;
const running: Cli[] = [];

test.before(async () => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf 'argument: %s\\n' "$1" >> ${opened}\ncat "$1" >> ${opened}\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  kube = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'] });
  idp = await new TestIssuer().listen();
  oidc = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile }, adminGroups: ['octant-admins'] });
  await idp.serve(oidc);
});
test.after(async () => {
  for (const cli of running) cli.child.kill();
  await kube?.close();
  await oidc?.close();
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stateOf = (who: string) => join(dir, `${who}-state`);
function signIn(who: string, server: string, args: string[] = []): Cli {
  const cli = startCli(['sign-in', '--server', server, ...args], { pathPrefix: bin, env: { XDG_STATE_HOME: stateOf(who) } });
  running.push(cli);
  return cli;
}

/** The page's address and the code the command printed. */
async function printed(cli: Cli): Promise<{ page: URL; code: string }> {
  await waitFor(() => /Open (\S+) in a browser/.test(cli.stderr()), 'the command printing the page to open');
  const [, page, code] = /Open (\S+) in a browser .* shows the code ([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\./.exec(cli.stderr())!;
  return { page: new URL(page), code };
}

/** What a person's browser does on the page: read it, allow, and follow the answer back to the command. */
async function allow(app: TestApp, jar: Jar, page: URL, code: string): Promise<void> {
  const shown = await send(app.port, page.pathname + page.search, { headers: { Cookie: jar.header() } });
  assert.is(shown.status, 200, shown.body);
  assert.ok(shown.body.includes(code), `the page shows the code ${code}`);
  jar.take(shown.cookies);
  const { action, fields } = formOf(shown.body);
  const allowed = await send(app.port, action, { body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(), Origin: app.origin } });
  assert.is(allowed.status, 303, allowed.body);
  const back = new URL(String(allowed.headers.location));
  assert.is(back.hostname, '127.0.0.1');
  assert.is(back.port, page.searchParams.get('port'));
  const answered = await send(Number(back.port), back.pathname + back.search);
  assert.is(answered.status, 200, answered.body);
}

test('kube-token: --browser reads no token; the person allows it on the page, and the command runs as them', async () => {
  const { jar } = await kubeTokenSignIn(kube.port, kube.origin, kube.sandbox!.users.alice.token);
  const cli = signIn('alice', kube.origin, ['--browser']);
  const { page, code } = await printed(cli);
  assert.is(page.origin, kube.origin);
  assert.is(page.pathname, '/auth/command-line');
  assert.is(code, shownCode(page.searchParams.get('challenge')!));
  // opened through a file of the user's: the address (its challenge) is in no process's arguments
  await waitFor(() => existsSync(opened) && readFileSync(opened, 'utf8').includes(page.href.replace(/&/g, '&amp;')), 'the page opened with xdg-open');
  const argument = /^argument: (.*)$/m.exec(readFileSync(opened, 'utf8'))![1];
  assert.is(argument, join(stateOf('alice'), 'octant-exec', 'sign-ins', 'open.html'));
  // a page of another site resolving to our listener (DNS rebinding) is answered nothing
  const port = Number(page.searchParams.get('port'));
  assert.is((await send(port, '/?code=abc', { headers: { Host: 'evil.example.com' } })).status, 404);
  // what is not a code for our challenge (a page's fetch, another user's process) is waited past
  const otherChallenge = Buffer.from(JSON.stringify({ challenge: 'x'.repeat(43) })).toString('base64url');
  for (const junk of ['abc', `h1.${otherChallenge}.mac`]) assert.is((await send(port, `/?code=${junk}`)).status, 400);
  await allow(kube, jar, page, code);
  assert.is(await cli.exit, 0, cli.stderr());
  assert.match(cli.stdout.join('\n'), `signed in to ${kube.origin} as alice (groups dev, system:authenticated), as you allowed in the browser, until`);
  assert.not.ok(existsSync(argument), 'the file that opened the page is gone');
  const ran = await runCli(['exec', '--server', kube.origin, 'batch/worker-1', '-c', 'main', '--', 'sh', '-c', 'echo $HOSTNAME'], 60_000, { env: { XDG_STATE_HOME: stateOf('alice') } });
  assert.equal([ran.code, ran.stdout], [0, 'worker-1\n'], ran.stderr);
  const usage = await runCli(['sign-in', '--server', kube.origin, '--browser', '--kube-token-file', '-']);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, '--browser hands over no token: leave out --kube-token-file');
});

test('oidc: the browser is the only way (no token is read); a person not signed in yet signs in on the way', async () => {
  const cli = signIn('bob', oidc.origin);
  const { page, code } = await printed(cli);
  const here = page.pathname + page.search;
  const first = await send(oidc.port, here);
  assert.is(first.status, 303);
  assert.is(first.headers.location, `/auth/sign-in?then=${encodeURIComponent(here)}`);
  const jar = new Jar();
  const start = await send(oidc.port, String(first.headers.location));
  jar.take(start.cookies);
  const callback = await idp.atProvider(String(start.headers.location), 'bob');
  const back = await idp.callback(callback, jar);
  jar.take(back.cookies);
  const refresh = /content="0;url=([^"]*)"/.exec(back.body)?.[1]?.replace(/&#38;/g, '&');
  assert.is(refresh, here, `back to the page after sign-in: ${back.status} ${back.body.slice(0, 300)}`);
  await allow(oidc, jar, page, code);
  assert.is(await cli.exit, 0, cli.stderr());
  assert.match(cli.stdout.join('\n'), `signed in to ${oidc.origin} as bob`);
});

test('over ssh: the browser cannot reach the listener, and the address it ends on, pasted, signs the command in', async () => {
  const { jar } = await kubeTokenSignIn(kube.port, kube.origin, kube.sandbox!.users.bob.token);
  const cli = startCli(['sign-in', '--server', kube.origin, '--browser'], { env: { PATH: '/nonexistent', XDG_STATE_HOME: stateOf('bob') }, typing: true });
  running.push(cli);
  const { page, code } = await printed(cli);
  const shown = await send(kube.port, page.pathname + page.search, { headers: { Cookie: jar.header() } });
  jar.take(shown.cookies);
  const { action, fields } = formOf(shown.body);
  const allowed = await send(kube.port, action, { body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(), Origin: kube.origin } });
  assert.is(allowed.status, 303);
  // the browser, elsewhere, ends on an address it cannot open: the person pastes it
  cli.child.stdin!.write('http://127.0.0.1:1/?code=not-ours\n');
  await waitFor(() => cli.stderr().includes(`that address holds no code for this command line (its code is ${code})`), 'a wrong paste said, with the code');
  cli.child.stdin!.write(`${String(allowed.headers.location)}\n`);
  assert.is(await cli.exit, 0, cli.stderr());
  assert.match(cli.stdout.join('\n'), `signed in to ${kube.origin} as bob`);
});

test.run();
