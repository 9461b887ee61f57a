// Every pod made through the API is processes and files on this machine, so there may be only so
// many at once (createdPodsLimit, default 50): past it a create is refused as a ResourceQuota
// refuses it, 403 `exceeded quota`. Deleting one makes room; the fixture's own pods do not count.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { kubectl, startTestSandbox } from '../../support/sandbox.ts';
import { call } from '../../support/sandbox-access.ts';
import { demoFixture } from '../../../src/sandbox/fixture/demo-fixture.ts';
import { checkFixture } from '../../../src/sandbox/fixture/fixture.ts';

const LIMIT = 2;
const sandbox = await startTestSandbox({ isolation: 'none', fixture: { ...demoFixture, createdPodsLimit: LIMIT } });
test.after(() => sandbox.close());

const create = (namespace: string, name: string) =>
  call(sandbox, `/api/v1/namespaces/${namespace}/pods`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '1000'] }] } }),
  });

test('past the limit a create is refused with 403 exceeded quota, counted over every namespace; a delete makes room', async () => {
  assert.ok(demoFixture.namespaces.flatMap((ns) => ns.pods).length > LIMIT, "the fixture's pods alone are more than the limit");
  assert.is((await create('default', 'one')).status, 201);
  assert.is((await create('restricted', 'two')).status, 201);
  const refused = await create('default', 'three');
  assert.is(refused.status, 403);
  assert.equal(refused.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `pods "three" is forbidden: exceeded quota: sandbox-created-pods, requested: pods=1, used: pods=${LIMIT}, limited: pods=${LIMIT}`,
    reason: 'Forbidden',
    details: { name: 'three', kind: 'pods' },
    code: 403,
  });
  assert.is((await call(sandbox, '/api/v1/namespaces/default/pods/three')).status, 404, 'nothing was stored');
  // kubectl shows the API server's words.
  const run = await kubectl(sandbox, '1.33', ['run', 'four', '--image=busybox:1.36', '--', 'sleep', '1000']);
  assert.is(run.code, 1);
  assert.match(run.stderr.toString(), 'Error from server (Forbidden): pods "four" is forbidden: exceeded quota: sandbox-created-pods');

  assert.is((await call(sandbox, '/api/v1/namespaces/default/pods/one', { method: 'DELETE' })).status, 200);
  assert.is((await create('default', 'three')).status, 201);
});

test('the fixture may set the limit, a whole number from 0 to 10000', () => {
  assert.is(checkFixture({ namespaces: [], createdPodsLimit: 0 }).createdPodsLimit, 0);
  for (const bad of [-1, 1.5, 10_001, '5']) assert.throws(() => checkFixture({ namespaces: [], createdPodsLimit: bad }), /createdPodsLimit.*must be a whole number from 0 to 10000/);
});

test.run();
