// The people scenario (team-people.ts) with --auth kube-token: each person pastes their own
// token from the sandbox's kubeconfigs, which the server checks with a TokenReview.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestApp } from './support.ts';
import { peopleScenario } from './team-people.ts';
import { kubeTokenSignIn } from './team-sign-in.ts';

const app = await startTestApp({ auth: { mode: 'kube-token' }, adminGroups: ['octant-admins'] });
test.after(() => app.close());
peopleScenario(test, () => ({
  app,
  signIn: async (user) => {
    const { answer, jar } = await kubeTokenSignIn(app.port, app.origin, app.sandbox!.users[user].token);
    assert.ok(jar.get('octant_exec_session'), `${user} signed in: ${answer.status} ${answer.body.slice(0, 200)}`);
    return { headers: { Cookie: jar.header() } };
  },
}));
test.run();
