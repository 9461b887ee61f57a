// `octant-exec people` as an admin runs it against a real server in kube-token mode, signed in
// with the sandbox's tokens and giving the session cookie in --cookie-file: show lists what a
// person runs, end ends it (the processes really end), sign-out ends their sign-in; anyone else is
// refused with the server's sentence and what to check; bad input is a usage error before
// anything is sent.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionRow } from '../../src/protocol/index.ts';
import { runCli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { send, type Answer } from '../server/auth-support.ts';
import { startTestApp, type TestApp } from '../server/support.ts';
import { kubeTokenSignIn } from '../server/team-sign-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-people-'));
const cookieFile = (user: string) => join(dir, `${user}.cookie`);
let app: TestApp;
const cookies: Record<string, string> = {};

const api = (user: string, path: string, body?: unknown): Promise<Answer> =>
  send(app.port, `/api/v1${path}`, { headers: { Cookie: cookies[user], Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const people = (args: string[], as = 'carol', env: Record<string, string> = {}) => runCli(['people', ...args, '--server', app.origin, ...(as ? ['--cookie-file', cookieFile(as)] : [])], 60_000, { env });
const rowOf = async (id: string) => ((await api('carol', '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id);
const start = async (pod: string) => {
  const started = await api('alice', '/exec', { namespace: 'batch', pod, containers: ['main'], command: { argv: ['sh', '-c', 'echo started; sleep 60'] }, interactive: false });
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  await waitFor(async () => ['interactive', 'idle'].includes((await rowOf(id))?.state ?? ''), `${id} running`);
  return id;
};

test.before(async () => {
  app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'] });
  for (const user of ['alice', 'carol']) {
    const { jar } = await kubeTokenSignIn(app.port, app.origin, app.sandbox!.users[user].token);
    cookies[user] = `octant_exec_session=${jar.get('octant_exec_session')}`;
    // as a browser's cookie list shows it, joined; a line end as an editor leaves it
    writeFileSync(cookieFile(user), `${cookies[user]}\n`, { mode: 0o600 });
  }
});
test.after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("an admin's show lists what a person runs, end ends all of it, and says what it ended", async () => {
  const first = await start('worker-1');
  const second = await start('worker-2');
  const batch = await api('alice', '/batches', { namespace: 'batch', labelSelector: 'app=worker', container: 'main', concurrency: 1, command: { line: "sh -c 'echo started; sleep 60'" } });
  assert.is(batch.status, 201, batch.body);
  const batchId: string = batch.json.batchId;
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 3, 'the batch running its first target');
  const shown = await people(['show', 'alice']);
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^alice runs 3 terminals and 1 batch:\n/);
  for (const id of [first, second, batchId]) assert.match(shown.stdout, id);
  assert.match(shown.stdout, `${first}  interactive  batch/worker-1/main  `);
  const json = await people(['show', 'alice', '--json']);
  assert.equal(JSON.parse(json.stdout).batches.map((b: { batchId: string }) => b.batchId), [batchId]);
  // what show asks for: her running rows alone, not every person's history
  const listed = async (path: string) => (await api('carol', path)).json;
  assert.equal((await listed('/sessions?user=alice&running=true')).sessions.map((s: SessionRow) => s.sessionId).sort(), JSON.parse(json.stdout).sessions.map((s: SessionRow) => s.sessionId).sort());
  assert.equal((await listed('/batches?user=alice&running=true')).batches.map((b: { batchId: string }) => b.batchId), [batchId]);
  assert.equal((await listed('/sessions?user=carol')).sessions, []);
  assert.is((await api('carol', '/sessions?running=yes')).status, 400);
  assert.match((await api('carol', '/batches?user=%20alice')).json.error.message, 'user starts or ends with white space');

  const ended = await people(['end', 'alice']);
  assert.is(ended.code, 0, ended.stderr);
  assert.match(ended.stdout, `cancelled 1 batch of alice: ${batchId}\nended 2 terminals of alice: `);
  for (const id of [first, second]) assert.match(ended.stdout, id);
  for (const id of [first, second]) assert.equal([(await rowOf(id))?.stopReason, (await rowOf(id))?.stoppedBy], ['endedByAdmin', 'carol']);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'every process of hers gone', 15_000);

  assert.equal(await people(['end', 'alice']), { code: 0, stdout: "nothing of alice's was running here: nothing ended\n", stderr: '' });
  assert.equal(JSON.parse((await people(['end', 'alice', '--json'])).stdout), { user: 'alice', ended: [], batches: [] });
  assert.equal(await people(['show', 'alice']), { code: 0, stdout: 'alice runs no terminal and no batch here\n', stderr: '' });
  assert.equal((await listed('/sessions?user=alice&running=true')).sessions, []);
  const hers = (await listed('/sessions?user=alice')).sessions.map((s: SessionRow) => s.sessionId);
  for (const id of [first, second]) assert.ok(hers.includes(id), 'her ended ones, without running=true');
});

test('anyone but an admin is told who they are, exit 1, before anything is done; a bearer token is told of --cookie-file', async () => {
  for (const command of ['end', 'sign-out', 'show']) {
    const refused = await people([command, 'bob'], 'alice');
    assert.equal([refused.code, refused.stdout], [1, '']);
    assert.match(refused.stderr, `octant-exec people ${command}: you are signed in as alice, who is not an admin (a member of an --admin-group): only an admin may`);
  }
  const bearer = await people(['end', 'alice'], '', { OCTANT_EXEC_TOKEN: app.sandbox!.users.carol.token });
  assert.is(bearer.code, 1);
  assert.match(bearer.stderr, 'Sign in first');
  assert.match(bearer.stderr, 'give your session cookie with --cookie-file');
});

test('show reaches a person named . or .. (in a query); a cookie file others may read is warned of, once', async () => {
  assert.equal(await people(['show', '..']), { code: 0, stdout: '.. runs no terminal and no batch here\n', stderr: '' });
  const open = join(dir, 'open.cookie');
  writeFileSync(open, `${cookies.carol}\n`);
  chmodSync(open, 0o644);
  const run = await runCli(['people', 'show', '.', '--server', app.origin, '--cookie-file', open]);
  assert.equal([run.code, run.stdout], [0, '. runs no terminal and no batch here\n']);
  assert.is(run.stderr, `octant-exec: warning: --cookie-file ${open} may be read by every user of this machine (mode 0644), and it holds a credential: chmod 600 ${open}\n`);
});

test("sign-out ends the person's sign-in: their next call is refused, and the admin is told when", async () => {
  assert.is((await api('alice', '/sessions')).status, 200);
  const out = await people(['sign-out', 'alice']);
  assert.is(out.code, 0, out.stderr);
  assert.match(out.stdout, /^signed alice out everywhere: every sign-in of theirs made until \d{4}-\d\d-\d\dT[\d:.]+Z has ended; they had no live share\n$/);
  const after = await api('alice', '/sessions');
  assert.is(after.status, 401);
  assert.match(after.json.error.message, 'Your sign-in has ended');
  // her cookie, given to the command, is refused the same way, with what to do
  const hers = await people(['show', 'carol'], 'alice');
  assert.is(hers.code, 1);
  assert.match(hers.stderr, 'Your sign-in has ended');
  assert.match(hers.stderr, 'For the command line: sign in on the page again, and put the new session cookie in --cookie-file.');
});

test('bad input is a usage error (2) before anything is sent; a server that does not answer is 1', async () => {
  const usage = async (args: string[], expected: string, as = 'carol') => {
    const run = await people(args, as);
    assert.equal([run.code, run.stdout], [2, ''], args.join(' '));
    assert.match(run.stderr, expected);
  };
  await usage([], 'octant-exec people: which command? sign-out, end or show');
  await usage(['end'], 'whom? give the person\'s name: octant-exec people end USER');
  await usage(['end', 'alice', 'bob'], 'takes one USER');
  await usage(['end', ' alice'], 'USER starts or ends with white space');
  await usage(['end', 'a'.repeat(257)], 'USER is longer than 256 characters');
  await usage(['fire', 'alice'], 'unknown command "fire"');
  // a URL's path resolves them away (/people/../end is /end): said, with what reaches them
  await usage(['end', '..'], 'USER ".." cannot be put in a URL\'s path: `octant-exec people show ..` lists what they run');
  await usage(['sign-out', '.'], 'USER "." cannot be put in a URL\'s path');
  writeFileSync(join(dir, 'bad.cookie'), 'just-a-value\n');
  const bad = await runCli(['people', 'end', 'alice', '--server', app.origin, '--cookie-file', join(dir, 'bad.cookie')]);
  assert.equal([bad.code, bad.stdout], [2, '']);
  assert.match(bad.stderr, '--cookie-file must hold one cookie as NAME=VALUE');
  const both = await runCli(['people', 'end', 'alice', '--server', app.origin, '--cookie-file', cookieFile('carol'), '--token-file', cookieFile('carol')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, 'give --cookie-file or --token-file, not both');
  const none = await runCli(['people', 'end', 'alice', '--cookie-file', cookieFile('carol')]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, 'say which octant-exec server to use');
  const gone = await runCli(['people', 'end', 'alice', '--server', 'http://127.0.0.1:1/', '--cookie-file', cookieFile('carol')]);
  assert.equal([gone.code, gone.stdout], [1, '']);
  assert.match(gone.stderr, 'octant-exec people end: cannot reach the octant-exec server at http://127.0.0.1:1');
});

test.run();
