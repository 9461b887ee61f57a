// Sharing in a team mode (--auth proxy against the sandbox): a link works only for the signed-in
// people and groups its owner picked, each at the share's role; joining is in the audit trail (who,
// when, as what); only the owner shares (an admin watches others' terminals, and does not share
// them); everyone else is told there is no such terminal, over HTTP and on the socket.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { send } from './auth-support.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { PROXY_PEER } from './team-sign-in.ts';
import { waitFor } from '../support/wait.ts';
import type { AuditRecord } from '../../src/events/projections/audit-trail.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const app: TestApp = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
test.after(() => app.close());

const headers = (user: string, groups: readonly string[]) => ({ 'X-Forwarded-User': user, 'X-Forwarded-Groups': groups.join(',') });
const as = (user: string, groups: readonly string[], path: string, options: { method?: string; body?: unknown } = {}) =>
  send(app.port, `/api/v1${path}`, {
    from: PROXY_PEER,
    ...(options.method ? { method: options.method } : {}),
    headers: { ...headers(user, groups), Origin: app.origin, ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
const socketAs = (user: string, groups: readonly string[]) => StreamClient.open(app, { as: { headers: headers(user, groups), from: PROXY_PEER } });

const alice = ['alice', ['dev']] as const;
const started = await as(...alice, '/exec', { body: { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } } });
assert.is(started.status, 201, started.body);
const terminal: string = started.json.sessionIds[0];
await waitFor(async () => ((await as(...alice, '/sessions')).json.sessions as SessionRow[]).find((s) => s.sessionId === terminal && s.state === 'interactive'), 'alice\'s shell live', 15_000);

test('only the owner shares, and names who may use the link; the link carries no secret', async () => {
  const nobody = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer' } });
  assert.is(nobody.status, 400);
  assert.match(nobody.json.error.message, 'Name who may use the link');
  // an admin watches alice's terminal, and may not share it
  assert.is((await as('carol', ['octant-admins'], `/sessions/${terminal}/shares`, { body: { role: 'viewer', users: ['carol'] } })).status, 404);
  assert.is((await as('bob', ['viewers'], `/sessions/${terminal}/shares`)).status, 404);
  const made = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'participant', users: ['bob'] } });
  assert.is(made.status, 201, made.body);
  assert.match(made.json.link, /^\/share\?id=[A-Za-z0-9]+$/);
  // local mode's link sign-in is not a team mode's
  assert.is((await as('bob', ['viewers'], '/share-session', { body: { id: made.json.share.shareId, secret: 'x' } })).status, 404);
});

test('a picked person joins as the share\'s role and types (as alice\'s terminal runs); the audit trail has who joined, when, as what', async () => {
  const made = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'participant', users: ['bob'] } });
  const id: string = made.json.share.shareId;
  const view = await as('bob', ['viewers'], `/shared?id=${id}`);
  assert.is(view.status, 200, view.body);
  assert.equal({ role: view.json.role, sharedBy: view.json.sharedBy, sessionId: view.json.sessionId }, { role: 'participant', sharedBy: 'alice', sessionId: terminal });
  const bob = await socketAs('bob', ['viewers']);
  assert.not.ok(bob.hello.sessions.some((s) => s.sessionId === terminal), 'a share does not put the terminal in bob\'s lists');
  await bob.attach(terminal);
  bob.type(terminal, 'echo bob-$((5+5))\r');
  await bob.waitForText(terminal, 'bob-10');
  const records = (await as(...alice, '/audit')).json.records as AuditRecord[];
  const joined = records.find((r) => r.sessionId === terminal)?.joined ?? [];
  // bob has two participant shares of it by now (this one and the first test's): he joined through one of them
  const shares = ((await as(...alice, `/sessions/${terminal}/shares`)).json.shares as { shareId: string }[]).map((share) => share.shareId);
  assert.ok(shares.includes(id));
  assert.ok(joined.some((j) => j.who === 'bob' && j.role === 'participant' && shares.includes(j.shareId) && typeof j.at === 'number'), JSON.stringify(joined));
  await bob.close();
});

test('a member of a picked group gets in as a viewer; someone not picked is told the link is not for them, and on the socket that there is no such terminal', async () => {
  const made = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer', groups: ['viewers'] } });
  const id: string = made.json.share.shareId;
  const erin = await socketAs('erin', ['viewers']);
  await erin.attach(terminal);
  const seen = erin.messages.length;
  erin.type(terminal, 'echo erin\r');
  assert.is((await erin.next('error', (m) => m.sessionId === terminal, 'erin refused input', seen)).code, 'readOnly');
  const dave = await as('dave', ['ops'], `/shared?id=${id}`);
  assert.is(dave.status, 403);
  assert.match(dave.json.error.message, 'not for you');
  const daveSocket = await socketAs('dave', ['ops']);
  const before = daveSocket.messages.length;
  daveSocket.send({ type: 'attach', sessionId: terminal });
  assert.is((await daveSocket.next('error', (m) => m.sessionId === terminal, 'dave refused', before)).code, 'unknownSession');
  // revoked: erin is cut off at once
  const cut = erin.messages.length;
  assert.is((await as(...alice, `/sessions/${terminal}/shares/${id}`, { method: 'DELETE' })).status, 200);
  const detached = await erin.next('detached', (m) => m.sessionId === terminal, 'erin cut off', cut, 5_000);
  assert.equal([detached.reason, detached.message], ['shareEnded', 'The owner revoked this share link: ask them for a new one if you still need it.']);
  await Promise.all([erin.close(), daveSocket.close()]);
});

test('a person signed in as "link holder" is no link\'s browser: not picked, not let in, over HTTP or the socket', async () => {
  const made = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'participant', users: ['bob'] } });
  assert.is(made.status, 201, made.body);
  const shared = await as('link holder', [], `/shared?id=${made.json.share.shareId}`);
  assert.is(shared.status, 403, shared.body);
  const socket = await socketAs('link holder', []);
  const before = socket.messages.length;
  socket.send({ type: 'attach', sessionId: terminal });
  assert.is((await socket.next('error', (m) => m.sessionId === terminal, 'refused', before)).code, 'unknownSession');
  await socket.close();
});

test('share names are sign-in names: control, bidi and zero-width characters refused, saying which', async () => {
  for (const users of [['bob\u202e'], ['bo\u200bb'], ['a\nb'], ['x'.repeat(257)]]) {
    const res = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer', users } });
    assert.is(res.status, 400, res.body);
    assert.match(res.json.error.message, 'users[0]');
  }
  assert.is((await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer', users: ['x'.repeat(256)] } })).status, 201);
});

test('picked by two shares: removed on the one he joined through, he is cut off, though the other picks him too', async () => {
  const first = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'participant', users: ['frank'] } });
  const second = await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer', groups: ['qa'] } });
  assert.equal([first.status, second.status], [201, 201]);
  const frank = await socketAs('frank', ['qa']);
  await frank.attach(terminal);
  await waitFor(async () => ((await as(...alice, `/sessions/${terminal}/shares`)).json.shares as { shareId: string; watchers: { who: string }[] }[]).some((share) => share.shareId === first.json.share.shareId && share.watchers.some((w) => w.who === 'frank')), 'frank joined through the first');
  const seen = frank.messages.length;
  const removed = await as(...alice, `/sessions/${terminal}/shares/${first.json.share.shareId}/watchers`, { body: { who: 'frank', remove: true } });
  assert.is(removed.status, 200, removed.body);
  const detached = await frank.next('detached', (m) => m.sessionId === terminal, 'frank cut off', seen, 1_000);
  assert.equal([detached.reason, detached.message], ['shareEnded', 'The owner removed you from this shared terminal.']);
  assert.is((await as('frank', ['qa'], `/shared?id=${second.json.share.shareId}`)).status, 410, 'the other share does not let him back');
  await frank.close();
});

test('a share of another terminal, asked for by someone it does not pick, tells nothing of that terminal', async () => {
  const other = await as(...alice, '/exec', { body: { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } } });
  const otherId: string = other.json.sessionIds[0];
  await as(...alice, `/sessions/${terminal}/shares`, { body: { role: 'viewer', users: ['gina'] } });
  const made = await as(...alice, `/sessions/${otherId}/shares`, { body: { role: 'viewer', users: ['hank'] } });
  assert.is(made.status, 201, made.body);
  const asked = await as('gina', [], `/shared?id=${made.json.share.shareId}`);
  assert.is(asked.status, 403);
  assert.not.ok(asked.body.includes(otherId), 'not even its id');
  await as(...alice, `/sessions/${otherId}/close`, { body: {} });
});

test.run();
