// The limits per person over the sandbox cluster in proxy mode (docs/team-mode.md, "Limits"): a
// person past --max-sessions-per-person is refused with a 429 that says their limit and what to do,
// while another person still gets a terminal; past --max-ended-per-person their oldest-ended
// terminal closes on its own, and their page's socket is told why. GET /info says both limits in force.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { SessionRow } from '../../src/protocol/index.ts';
import { DEFAULT_MAX_ENDED_PER_PERSON, tooManyEndedSentence } from '../../src/domain/live-sessions.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, startTestApp, type TestApp } from './support.ts';
import { asProxyPerson, PROXY_PEER, proxyCredentials } from './team-sign-in.ts';

const teamMode = { auth: { mode: 'proxy' as const, trustedProxies: [`${PROXY_PEER}/32`] }, maxSessionsPerPerson: 2, maxEndedPerPerson: 1 };
const run = (pod: string, line: string) => ({ namespace: 'batch', pod, containers: ['main'], command: { argv: ['sh', '-c', line] }, interactive: false });
let app: TestApp;

const as = (user: string, path: string, body?: unknown) => asProxyPerson(app, user, path, body);
const rowsOf = async (user: string) => (await as(user, '/sessions')).json.sessions as SessionRow[];
const started = async (user: string, pod: string, line: string) => {
  const answer = await as(user, '/exec', run(pod, line));
  assert.is(answer.status, 201, answer.body);
  return answer.json.sessionIds[0] as string;
};

test.before(async () => {
  app = await startTestApp(teamMode);
});
test.after(async () => {
  await app?.close();
});

test('a person at their limit gets a 429 that says it and what to do; another person still gets a terminal', async () => {
  const first = await started('alice', 'worker-0', 'sleep 60');
  const second = await started('alice', 'worker-1', 'sleep 60');
  const third = await as('alice', '/exec', run('worker-2', 'sleep 60'));
  assert.is(third.status, 429, third.body);
  assert.is(third.json.error.message, 'You have 2 terminals running, and one person may run at most 2 at once on this server. Close or end one of yours (an ended terminal does not count), then try again.');
  const bobs = await started('bob', 'worker-2', 'sleep 60');
  for (const [user, id] of [['alice', first], ['alice', second], ['bob', bobs]]) assert.is((await as(user, `/sessions/${id}/close`, {})).status, 200);
  await waitFor(() => app.sandbox!.liveProcessGroups().length === 0, 'their processes gone with the closes', 15_000);
});

test('GET /info says the limits per person in force: the flags given, else the defaults (the per-person one never past --max-sessions)', async () => {
  const info = (await as('alice', '/info')).json;
  assert.equal([info.maxSessionsPerPerson, info.maxEndedPerPerson], [2, 1]);
  const unflagged = await startTestApp({ auth: teamMode.auth, maxSessions: 4 });
  try {
    const defaults = (await asProxyPerson(unflagged, 'alice', '/info')).json;
    assert.equal([defaults.maxSessionsPerPerson, defaults.maxEndedPerPerson], [4, DEFAULT_MAX_ENDED_PER_PERSON], 'the default 16, held to --max-sessions 4');
  } finally {
    await unflagged.close();
  }
});

test("past the ended limit the oldest-ended closes on its own: the owner's page is told why, the list no longer has it", async () => {
  const alices = await StreamClient.open(app, { as: proxyCredentials('alice') });
  try {
    const older = await started('alice', 'worker-0', 'echo one');
    await waitFor(async () => (await rowsOf('alice')).find((r) => r.sessionId === older)?.state === 'exited', `${older} exited`);
    const newer = await started('alice', 'worker-1', 'echo two');
    const closed = await alices.next('sessionClosed', (m) => m.sessionId === older, `${older} closed`);
    assert.equal(closed, { type: 'sessionClosed', sessionId: older, because: 'tooManyEnded', message: tooManyEndedSentence(1) });
    assert.match(closed.message!, 'at most 1 ended terminals are kept per person');
    await waitFor(async () => (await rowsOf('alice')).find((r) => r.sessionId === newer)?.state === 'exited', `${newer} exited`);
    assert.equal((await rowsOf('alice')).map((r) => r.sessionId), [newer], 'the newer one is kept');
    assert.is((await as('alice', `/sessions/${older}/close`, {})).status, 404, 'closed already');
  } finally {
    alices.ws.close();
  }
});

test.run();
