// A recorded terminal seen through a share link (defect 1 of the recording review): the share's
// answer says it is recorded, and that keystrokes are kept under --record-input, so the shared
// page can show the badge; and a share cookie gets no recording and cannot turn one on or off.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { call, openExec, sessionState, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const app: TestApp = await startTestApp({ recording: { mode: 'opt-in', input: true, maxBytes: 1 << 20 } });
test.after(() => app.close());

const shell = { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } };
const [terminal] = await openExec(app, shell);
await waitFor(async () => (await sessionState(app, terminal))?.state === 'interactive', 'the shell to connect', 15_000);

async function claimedLink(role: 'viewer' | 'participant'): Promise<string> {
  const made = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role } });
  assert.is(made.status, 201, made.body);
  const fragment = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
  const res = await call(app, '/api/v1/share-session', { token: null, body: { id: fragment.get('id'), secret: fragment.get('s') } });
  assert.is(res.status, 200, res.body);
  return String(res.headers['set-cookie']).split(';')[0];
}

test("a participant's share answer says the terminal is recorded, keystrokes included, and follows it on and off", async () => {
  const cookie = await claimedLink('participant');
  const shared = async () => (await call(app, '/api/v1/shared', { token: null, cookie })).json.session.recording;
  assert.is(await shared(), undefined, 'not recorded yet');
  assert.is((await call(app, `/api/v1/sessions/${terminal}/recording`, { body: { on: true } })).status, 200);
  await waitFor(async () => (await shared())?.on === true, 'the share to say it is recorded', 10_000);
  assert.is((await shared()).input, true, 'keystrokes are kept: the visitor is told');
  assert.is((await call(app, `/api/v1/sessions/${terminal}/recording`, { body: { on: false } })).status, 200);
  await waitFor(async () => (await shared())?.on === false, 'the share to say it stopped', 10_000);
});

test('a share cookie can neither get a recording nor turn one on or off', async () => {
  const cookie = await claimedLink('participant');
  const get = await call(app, `/api/v1/sessions/${terminal}/recording?run=1`, { token: null, cookie });
  assert.is(get.status, 403, get.body);
  assert.not.match(get.body, '"version"');
  const post = await call(app, `/api/v1/sessions/${terminal}/recording`, { token: null, cookie, body: { on: true } });
  assert.is(post.status, 403, post.body);
});

test.run();
