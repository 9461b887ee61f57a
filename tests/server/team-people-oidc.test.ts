// The people scenario (team-people.ts) with --auth oidc: each person signs in at a real OpenID
// Provider on loopback, whose ID tokens carry their groups.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { peopleScenario } from './team-people.ts';
import { TestIssuer } from './team-sign-in.ts';

const idp = await new TestIssuer().listen();
const app = await startTestApp({ auth: { mode: 'oidc', issuer: idp.issuer, clientId: TestIssuer.CLIENT_ID, clientSecretFile: idp.secretFile }, adminGroups: ['octant-admins'] });
await idp.serve(app);
test.after(async () => {
  await app.close();
  await idp.close();
});
peopleScenario(test, () => ({
  app,
  signIn: async (user) => {
    const { answer, jar } = await idp.signIn(user);
    assert.ok(jar.get('octant_exec_session'), `${user} signed in: ${answer.status} ${answer.body.slice(0, 200)}`);
    return { headers: { Cookie: jar.header() } };
  },
}));
test.run();
