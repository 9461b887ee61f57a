// `octant-exec sign-in` against a server whose mode trades no token: the answer is JSON that says how
// this server signs people in, rather than a bare 404 or a page. local and proxy have no sign-in
// route at all (404), asked with a token or for the ways in (JSON); oidc has one, for a browser and
// the command line's sign-in through it, but not this way (400), and a POST without a bearer token
// is what it was.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { send } from './auth-support.ts';
import { TestIssuer } from './team-sign-in.ts';

const test = suite('sign-in in other modes', { deadlineMs: 60_000 });

/** What `octant-exec sign-in` asks first: which ways in this server has. */
const waysIn = (port: number) => send(port, '/auth/sign-in', { headers: { Accept: 'application/json' } });
const tokenExchange = (port: number, headers: Record<string, string> = { Authorization: 'Bearer some-kubernetes-token' }) => send(port, '/auth/sign-in', { method: 'POST', headers });

test('local mode: 404, its token is the --json line', async () => {
  const app = await startTestApp();
  try {
    for (const headers of [{ Authorization: 'Bearer some-kubernetes-token' }, {}] as Record<string, string>[]) {
      const answer = await tokenExchange(app.port, headers);
      assert.is(answer.status, 404, answer.body);
      assert.is(answer.json.error.message, 'This server is in local mode: it takes the token of its --json line (OCTANT_EXEC_TOKEN, or --token-file), no sign-in.');
    }
    const asked = await waysIn(app.port);
    assert.equal([asked.status, asked.json.error.message], [404, 'This server is in local mode: it takes the token of its --json line (OCTANT_EXEC_TOKEN, or --token-file), no sign-in.']);
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
    const asked = await waysIn(app.port);
    assert.is(asked.status, 404, asked.body);
    assert.is(asked.json.error.message, answer.json.error.message);
  } finally {
    await app.close();
  }
});

test('oidc mode: 400 with a bearer token, through the browser (octant-exec sign-in --browser); the POST without one as before', async () => {
  const idp = await new TestIssuer().listen();
  const app = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile } });
  try {
    const answer = await tokenExchange(app.port);
    assert.is(answer.status, 400, answer.body);
    assert.is(answer.json.error.message, 'This server signs people in through its OpenID provider, in a browser: run `octant-exec sign-in --browser`, which has you allow the command line there.');
    assert.not.ok(answer.body.includes('some-kubernetes-token'));
    assert.is((await tokenExchange(app.port, {})).status, 405);
  } finally {
    await app.close();
    await idp.close();
  }
});

test.run();
