// `octant-exec people` in proxy mode: the command sends its token as a bearer token to the
// authenticating proxy, which says who it is (as oauth2-proxy does with --skip-jwt-bearer-tokens),
// and the server takes the proxy's word. The proxy here is a small one of the test's own: it maps
// each known token to a person, refuses any other, and connects from the trusted address.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionRow } from '../../src/protocol/index.ts';
import { runCli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { startTestApp, type TestApp } from '../server/support.ts';
import { asProxyPerson, PROXY_PEER, proxyCredentials } from '../server/team-sign-in.ts';

const TOKENS: Record<string, string> = { 'token-of-carol': 'carol', 'token-of-alice': 'alice' };
let app: TestApp;
let proxy: Server;
let proxyUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'octant-exec-people-proxy-'));

test.before(async () => {
  app = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
  proxy = createServer((req, res) => {
    const user = TOKENS[/^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''];
    if (!user) return void res.writeHead(401, { 'Content-Type': 'text/plain' }).end('no valid bearer token');
    const { headers: person } = proxyCredentials(user);
    const upstream = request({ host: '127.0.0.1', port: app.port, localAddress: PROXY_PEER, method: req.method, path: req.url, headers: { ...req.headers, host: app.host, ...person } });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
});
test.after(async () => {
  proxy?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const people = (args: string[], token: string) => runCli(['people', ...args, '--server', proxyUrl], 60_000, { env: { OCTANT_EXEC_TOKEN: token } });

test("through the proxy, the admin's token ends a person's terminal; anyone else is told who they are", async () => {
  const started = await asProxyPerson(app, 'alice', '/exec', { namespace: 'batch', pod: 'worker-1', containers: ['main'], command: { argv: ['sh', '-c', 'sleep 60'] }, interactive: false });
  assert.is(started.status, 201, started.body);
  const id: string = started.json.sessionIds[0];
  const row = async () => ((await asProxyPerson(app, 'carol', '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === id);
  await waitFor(async () => ['interactive', 'idle'].includes((await row())?.state ?? ''), 'her terminal running');
  const hers = await people(['end', 'carol'], 'token-of-alice');
  assert.equal([hers.code, hers.stdout], [1, '']);
  assert.match(hers.stderr, 'you are signed in as alice, who is not an admin');
  const shown = await people(['show', 'alice'], 'token-of-carol');
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, `alice runs 1 terminal and 0 batches:\n  ${id}  `);
  const ended = await people(['end', 'alice'], 'token-of-carol');
  assert.equal(ended, { code: 0, stdout: `ended 1 terminal of alice: ${id}\n`, stderr: '' });
  assert.equal([(await row())?.stopReason, (await row())?.stoppedBy], ['endedByAdmin', 'carol']);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'her process gone', 15_000);
  const signedOut = await people(['sign-out', 'alice', '--json'], 'token-of-carol');
  assert.is(signedOut.code, 0, signedOut.stderr);
  assert.equal(Object.keys(JSON.parse(signedOut.stdout)), ['user', 'signedOutAt', 'shares']);
});

test('a sign-out in proxy mode says what it did there (sockets closed; the proxy still lets them in), and a --token-file its group may read is warned of', async () => {
  const file = join(dir, 'carol.token');
  writeFileSync(file, 'token-of-carol\n');
  chmodSync(file, 0o640);
  const out = await runCli(['people', 'sign-out', 'alice', '--server', proxyUrl, '--token-file', file]);
  assert.is(out.code, 0, out.stderr);
  assert.match(out.stdout, /^signed alice out of what was open: their sockets opened until \d{4}-\d\d-\d\dT[\d:.]+Z are closed on every replica; they had no live share\. The proxy still lets them in until their account is gone there: take it away at the proxy or the identity provider\n$/);
  assert.not.match(out.stdout, 'every sign-in of theirs');
  assert.is(out.stderr, `octant-exec: warning: --token-file ${file} may be read by its group (mode 0640), and it holds a credential: chmod 600 ${file}\n`);
});

test.run();
