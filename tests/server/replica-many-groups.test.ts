// A person with many groups is served by every replica: two replicas in proxy mode on one shared
// log (in memory), in front of one sandbox. The other replica takes the voucher that carries them
// with all their groups, however many and long a sign-in takes (100 groups of 256 characters, each
// three bytes of UTF-8): a page on the replica that does not hold their terminal watches and types
// through the relay, and a close sent on through it is carried out; neither Node's nor Deno's HTTP
// header limit refuses the voucher on the way.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { onFreePort } from '../support/free-port.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { send } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { MAX_GROUPS, MAX_NAME_LENGTH } from '../../src/server/auth/person-names.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const sandbox = await startTestSandbox();
const log = new MemoryLog();
const warnings: string[] = [];

async function replica(): Promise<TestApp> {
  const auth = { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] };
  return onFreePort((port) =>
    startTestApp({ sandbox: false, kubeconfig: sandbox.users['octant-exec'].kubeconfigPath, port, auth, sharedLog: { advertise: `http://127.0.0.1:${port}`, open: async (at) => log.open(at) }, warn: (m) => warnings.push(m) }),
  );
}

const a = await replica();
const b = await replica();
const pages: StreamClient[] = [];
test.after(async () => {
  for (const page of pages) await page.close();
  await b.close();
  await a.close();
  await sandbox.close();
});

/** The proxy's headers for a person; a header carries bytes: a name's UTF-8, as a proxy sends it. */
const proxyHeaders = (user: string, groups: readonly string[]) => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': Buffer.from(groups.join(','), 'utf8').toString('latin1') });
const as = (app: TestApp, user: string, groups: readonly string[], path: string, body?: unknown) =>
  send(app.port, `/api/v1${path}`, {
    from: PROXY_PEER,
    ...(body !== undefined ? { method: 'POST', body: JSON.stringify(body) } : {}),
    headers: { ...proxyHeaders(user, groups), Origin: app.origin, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
  });
const pageOn = async (app: TestApp, user: string, groups: readonly string[]) => {
  const page = await StreamClient.open(app, { as: { headers: proxyHeaders(user, groups), from: PROXY_PEER } });
  pages.push(page);
  return page;
};

// alice's RBAC group in the sandbox, and an enterprise directory's
const alice = ['dev', ...Array.from({ length: MAX_GROUPS - 1 }, (_, i) => `corp-ad-group-team-platform-engineering-${String(i).padStart(3, '0')}`)];
const started = await as(a, 'alice', alice, '/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
assert.is(started.status, 201, started.body);
const terminal: string = started.json.sessionIds[0];
await waitFor(async () => ((await as(b, 'alice', alice, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), "alice's shell, listed by B", 15_000);

test("a person with a directory's 100 groups watches and types in their terminal through the other replica", async () => {
  const page = await pageOn(b, 'alice', alice);
  await page.attach(terminal);
  page.type(terminal, 'echo many-groups-$((6*7))\n');
  await page.waitForText(terminal, 'many-groups-42');
  assert.is(a.hub.stats(terminal)?.viewers.length, 1, 'the holder sees the relayed viewer');
});

test('a person whose every name is as long and as wide as a sign-in takes watches a shared terminal through the other replica', async () => {
  const widest = Array.from({ length: MAX_GROUPS }, (_, i) => `${i}`.padEnd(MAX_NAME_LENGTH, '\u20ac'));
  const made = await as(a, 'alice', alice, `/sessions/${terminal}/shares`, { role: 'viewer', users: ['wide'] });
  assert.is(made.status, 201, made.body);
  assert.equal((await as(b, 'wide', widest, '/info')).json.signedIn.groups, widest, 'signed in with every group');
  const viewer = await pageOn(b, 'wide', widest);
  await viewer.attach(terminal);
  const page = await pageOn(b, 'alice', alice);
  await page.attach(terminal);
  page.type(terminal, 'echo wide-$((5+5))\n');
  await viewer.waitForText(terminal, 'wide-10');
});

test('a close sent on through the other replica for that person is carried out by the holder', async () => {
  const closed = await as(b, 'alice', alice, `/sessions/${terminal}/close`, {});
  assert.is(closed.status, 200, closed.body);
  await waitFor(async () => !((await as(a, 'alice', alice, '/sessions')).json.sessions as SessionRow[]).some((s) => s.sessionId === terminal), 'gone from A');
  assert.not.ok(warnings.some((w) => w.includes('refused a replica voucher')), warnings.join('\n'));
});

test.run();
