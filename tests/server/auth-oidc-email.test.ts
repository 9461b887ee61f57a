// --oidc-username-claim email against a real OpenID Provider: the e-mail address is the person's
// name only when the provider verified it. kube-apiserver takes email_verified, when present, as a
// boolean that must be true; a provider that writes claims as strings may say "false", and 0 or
// null are no verification either. Before the review fix only the boolean false was refused, so an
// unverified address signed in as whoever owned it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { TestIssuer } from './team-sign-in.ts';

const unverified: Record<string, unknown> = { falsebool: false, falsetext: 'false', zero: 0, nothing: null, truetext: 'true' };
const idp = await new TestIssuer({
  people: Object.fromEntries([...Object.keys(unverified), 'verified', 'unsaid'].map((name) => [name, ['dev']])),
  claims: { ...Object.fromEntries(Object.entries(unverified).map(([name, value]) => [name, { email_verified: value }])), unsaid: { email_verified: undefined } },
}).listen();
const app = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile, usernameClaim: 'email' } });
await idp.serve(app);
test.after(async () => {
  await app.close();
  await idp.close();
});

test('a verified e-mail address is the name; so is one whose verification the token does not mention', async () => {
  for (const who of ['verified', 'unsaid']) {
    const { answer } = await idp.signIn(who);
    assert.is(answer.status, 200, `${who}: ${answer.body}`);
    assert.match(answer.body, `Signed in as ${who}@example.com.`);
  }
});

for (const [who, value] of Object.entries(unverified)) {
  test(`email_verified: ${JSON.stringify(value)} is no verification: refused, with why`, async () => {
    const { answer, jar } = await idp.signIn(who);
    assert.is(answer.status, 403, answer.body);
    assert.match(answer.body, 'The identity provider has not verified your e-mail address');
    assert.not.ok(jar.header().includes('octant_exec_session='), 'no session');
  });
}

test.run();
