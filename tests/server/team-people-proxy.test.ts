// The people scenario (team-people.ts) behind an authenticating proxy: who a request is comes
// from the trusted proxy's X-Forwarded-User and X-Forwarded-Groups.
import { test } from '../support/test.ts';
import { startTestApp } from './support.ts';
import { peopleScenario } from './team-people.ts';
import { PROXY_PEER, proxyCredentials } from './team-sign-in.ts';

const app = await startTestApp({ auth: { mode: 'proxy', trustedProxies: [`${PROXY_PEER}/32`] }, adminGroups: ['octant-admins'] });
test.after(() => app.close());
peopleScenario(test, () => ({ app, signIn: async (user) => proxyCredentials(user) }));
test.run();
