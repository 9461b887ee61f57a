// Two octant-exec servers on one machine (two clusters, each its own --state-dir and port), open
// in one browser. Cookies are not kept apart by port (RFC 6265 8.5): a browser holds one cookie per
// name, host and path, whatever the port. Both servers named their session cookie
// octant_exec_session, so signing in to the second replaced the first's cookie: the first tab's
// next call got 401 "the token is not valid for this server (a restart makes old tokens
// useless)", which no restart explains.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Jar, send } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';

const test = suite('two local servers in one browser', { deadlineMs: 90_000 });

const apps: TestApp[] = [];
test.before(async () => {
  apps.push(await startTestApp(), await startTestApp());
});
test.after(async () => {
  for (const app of apps) await app.close();
});

/** The page's trade of the token for the cookie, into the browser's one jar for 127.0.0.1. */
async function signIn(jar: Jar, app: TestApp): Promise<void> {
  const answer = await send(app.port, '/api/v1/session', { method: 'POST', headers: { Origin: app.origin, 'Content-Type': 'application/json', Cookie: jar.header() }, body: JSON.stringify({ token: app.token }) });
  assert.is(answer.status, 200, answer.body);
  jar.take(answer.cookies);
}

test('signing in to a second server leaves the first signed in', async () => {
  const [first, second] = apps;
  const jar = new Jar();
  await signIn(jar, first);
  await signIn(jar, second);
  for (const app of [first, second]) {
    const answer = await send(app.port, '/api/v1/sessions', { headers: { Cookie: jar.header() } });
    assert.is(answer.status, 200, `port ${app.port}: ${answer.body}`);
  }
});

test.run();
