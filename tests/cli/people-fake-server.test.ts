// `octant-exec people` against servers a real one cannot stand for: one of an older build (lists
// that ignore ?user= and hold every person's rows, megabytes of them on a busy server; no people
// routes), and answers a test cannot make a real one give (a 503 while the log is down, end's 503
// for replicas it could not ask). Each is a small server of the test's own, answering as an admin.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-people-fake-'));
const cookieFile = join(dir, 'admin.cookie');
const COOKIE = 'octant_exec_session=admin-session';
writeFileSync(cookieFile, `${COOKIE}\n`, { mode: 0o600 });
test.after(() => rmSync(dir, { recursive: true, force: true }));

const INFO = { signedIn: { mode: 'kube-token', user: 'carol', groups: ['octant-admins'], admin: true, signOut: '/auth/sign-out' } };
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
const json = (res: ServerResponse, status: number, body: unknown) => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/** A server that answers GET /api/v1/info as for an admin, and everything else with `handle`; the requests it was sent. */
async function fakeServer(handle: Handler, info: unknown = INFO): Promise<{ url: string; asked: string[]; close(): void }> {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${req.method} ${req.url} ${req.headers.cookie}`);
    if (url.pathname === '/api/v1/info') return json(res, 200, info);
    void handle(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, asked, close: () => server.close() };
}
const people = (args: string[], url: string) => runCli(['people', ...args, '--server', url, '--cookie-file', cookieFile]);

const person = (user: string) => ({ user, groups: [] });
const row = (sessionId: string, user: string, state: string, label: string) => ({ sessionId, person: person(user), state, target: { namespace: 'batch', pod: 'worker-1', container: 'main' }, label, argv: ['sh'], run: 1 });
const batch = (batchId: string, user: string, state: string, pods: number) => ({
  batchId,
  person: person(user),
  state,
  argv: ['sh', '-c', 'make test'],
  results: Array.from({ length: pods }, (_, i) => ({ target: { namespace: 'batch', pod: `worker-${i}-${'x'.repeat(40)}`, container: 'main' }, state: 'exited', exitCode: 0, sessionId: `s-${batchId}-${i}`, durationMs: 1234 })),
});

test("show on a busy server of an older build (lists of megabytes, every person's, ?user= ignored): the person's running rows", async () => {
  // 200 kept batches of 60 pods and 2,000 ended terminals of others, as an admin's lists hold them
  const batches = [batch('b-alice', 'alice', 'running', 60), ...Array.from({ length: 200 }, (_, i) => batch(`b-${i}`, 'bob', 'done', 60))];
  const alices = row('s-alice', 'alice', 'interactive', 'vim café');
  const sessions = [alices, row('s-ended', 'alice', 'exited', 'sh'), ...Array.from({ length: 2000 }, (_, i) => row(`s-${i}`, 'bob', 'exited', `sh -c ${'y'.repeat(600)}`))];
  const server = await fakeServer(async (_req, res, url) => {
    if (url.pathname === '/api/v1/batches') return json(res, 200, { batches });
    // the answer in two writes, split inside the é: one character, however the chunks come
    const text = Buffer.from(JSON.stringify({ sessions }));
    const split = text.indexOf(Buffer.from('café')) + 4;
    res.writeHead(200, { 'Content-Type': 'application/json' }).write(text.subarray(0, split));
    await new Promise((resolve) => setTimeout(resolve, 50));
    res.end(text.subarray(split));
  });
  try {
    assert.ok(JSON.stringify({ batches }).length > 2 * 1024 * 1024 && JSON.stringify({ sessions }).length > 1024 * 1024, 'lists over the bound of other answers');
    const shown = await people(['show', 'alice'], server.url);
    assert.is(shown.code, 0, shown.stderr);
    assert.is(shown.stdout, 'alice runs 1 terminal and 1 batch:\n  batch b-alice  sh -c make test\n  s-alice  interactive  batch/worker-1/main  vim café\n');
    // only her running rows asked for, which a server of this build answers with (tests/cli/people.test.ts)
    for (const list of ['sessions', 'batches']) assert.ok(server.asked.includes(`GET /api/v1/${list}?user=alice&running=true ${COOKIE}`), server.asked.join('\n'));
  } finally {
    server.close();
  }
});

test('a server without the people routes (an older build) answers an admin 404: said so, not that only an admin may', async () => {
  const server = await fakeServer((_req, res, url) => json(res, 404, { error: { status: 404, message: `No API at ${url.pathname}: see docs/api.md.` } }));
  try {
    const run = await people(['end', 'alice'], server.url);
    assert.equal([run.code, run.stdout], [1, '']);
    assert.match(run.stderr, 'octant-exec people end: No API at /api/v1/people/alice/end: see docs/api.md. The server says you are an admin, so it is likely older than this command, without this route: upgrade it');
    assert.not.match(run.stderr, 'Only an admin');
  } finally {
    server.close();
  }
});

test('with --json a refusal is the JSON on stdout too (exit 1), for each sub-command; the sentence on stderr', async () => {
  const down = { error: { status: 503, message: "The event log's database does not answer, so nobody was signed out. Try again when it is back." } };
  const server = await fakeServer((_req, res) => json(res, 503, down));
  try {
    for (const command of ['sign-out', 'end', 'show']) {
      const run = await people([command, 'alice', '--json'], server.url);
      assert.equal([run.code, JSON.parse(run.stdout)], [1, down], command);
      assert.is(run.stderr, `octant-exec people ${command}: ${down.error.message}\n`);
    }
  } finally {
    server.close();
  }
  // refused before any list is read (GET /info: not an admin): a sentence of ours, in the same shape
  const notAdmin = await fakeServer((_req, res) => json(res, 500, {}), { signedIn: { ...INFO.signedIn, user: 'alice', admin: false } });
  try {
    const run = await people(['show', 'bob', '--json'], notAdmin.url);
    assert.is(run.code, 1);
    assert.match(JSON.parse(run.stdout).error.message, /^you are signed in as alice, who is not an admin/);
    assert.is(notAdmin.asked.length, 1, 'nothing but GET /info asked');
  } finally {
    notAdmin.close();
  }
});

test("end's 503 for replicas it could not ask: what was ended on stdout, the server's sentence and each replica on stderr, exit 1", async () => {
  // the answer of a replica whose peer did not answer (tests/server/admin-end-replicas.test.ts makes it for real)
  const message = 'A replica of octant-exec could not be asked to end what alice runs there (unreached says why): what is listed was ended. Run it again (once every replica runs this version, when one answered 404).';
  const answer = { error: { status: 503, message }, user: 'alice', ended: ['s-1'], batches: [], unreached: [{ replica: 'r-2', error: 'connect ECONNREFUSED' }] };
  const server = await fakeServer((_req, res) => json(res, 503, answer));
  try {
    const run = await people(['end', 'al/ice'], server.url);
    assert.is(server.asked.at(-1), `POST /api/v1/people/al%2Fice/end ${COOKIE}`, 'the name percent-encoded, the cookie as the browser sends it');
    assert.is(run.code, 1);
    assert.is(run.stdout, 'ended 1 terminal of al/ice: s-1\n');
    assert.is(run.stderr, `octant-exec people end: ${message}\n  replica r-2: connect ECONNREFUSED\n`);
    const json = await people(['end', 'alice', '--json'], server.url);
    assert.equal([json.code, JSON.parse(json.stdout)], [1, answer]);
  } finally {
    server.close();
  }
});

test.run();
