// What docs/sandbox.md says of /version and the health paths, checked: the sandbox has no anonymous
// user (a request without its token gets 401, /version too: SECURITY.md asks for the token on
// every request), signed-in people read /version, and the health paths are not served. The docs
// said they were anyone's (helper-198's review).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../support/sandbox.ts';
import { call } from '../support/sandbox-access.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const HEALTH = ['/healthz', '/livez', '/readyz'];

test('without a token, /version and the health paths get 401, as every other path', async () => {
  for (const path of ['/version', ...HEALTH]) assert.is((await call(sandbox, path, { token: null })).status, 401, path);
});

test('signed in, /version answers and the health paths are not there (404)', async () => {
  const alice = sandbox.users.alice!;
  for (const token of [sandbox.token, alice.token]) {
    assert.is((await call(sandbox, '/version', { token })).status, 200);
    for (const path of HEALTH) assert.is((await call(sandbox, path, { token })).status, 404, path);
  }
});

test.run();
