// `octant-exec sign-in` against a server whose mode trades no token: the answer is JSON that says how
// this server signs people in, rather than a bare 404 or a page. local and proxy have no sign-in
// route at all (404); oidc has one, for a browser, but not this way (400), and a POST without a
// bearer token is what it was.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { send } from './auth-support.ts';
import { TestIssuer } from './team-sign-in.ts';

const test = suite('sign-in in other modes', { deadlineMs: 60_000 });

const tokenExchange = (port: number, headers: Record<string, string> = { Authorization: 'Bearer some-kubernetes-token' }) => send(port, '/auth/sign-in', { method: 'POST', headers });

test('local mode: 404, its token is the --json line', async () => {
  const app = await startTestApp();
  try {
    for (const headers of [{ Authorization: 'Bearer some-kubernetes-token' }, {}] as Record<string, string>[]) {
      const answer = await tokenExchange(app.port, headers);
      assert.is(answer.status, 404, answer.body);
      assert.is(answer.json.error.message, 'This server is in local mode: it takes the token of its --json line (OCTANT_EXEC_TOKEN, or --token-file), no sign-in.');
    }
  } finally {
    await app.close();
  }
});

test('proxy mode: 404, the proxy in front signs people in', async () => {
  const app = await startTestApp({ auth: { mode: 'proxy', trustedProxies: ['127.0.0.2/32'] } });
  try {
    const answer = await tokenExchange(app.port);
    assert.is(answer.status, 404, answer.body);
    assert.match(answer.json.error.message, /^This server is behind an authenticating proxy: the proxy in front signs people in, not octant-exec\./);
  } finally {
    await app.close();
  }
});

test("oidc mode: 400 with a bearer token, in a browser through the provider or the browser's cookie; the POST without one as before", async () => {
  const idp = await new TestIssuer().listen();
  const app = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile } });
  try {
    const answer = await tokenExchange(app.port);
    assert.is(answer.status, 400, answer.body);
    assert.is(answer.json.error.message, "This server signs people in through its OpenID provider, in a browser: open /auth/sign-in there; the command line can use the browser's session cookie with --cookie-file.");
    assert.not.ok(answer.body.includes('some-kubernetes-token'));
    assert.is((await tokenExchange(app.port, {})).status, 405);
  } finally {
    await app.close();
    await idp.close();
  }
});

test.run();
