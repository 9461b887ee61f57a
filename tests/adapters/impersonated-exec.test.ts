// Team mode's exec: with a person on the request, every transport acts as that person through the
// server's own identity (the sandbox's `octant-exec` user, whose only rights are deploy/rbac.yaml's),
// and the cluster's RBAC decides. The sandbox's audit log is the proof of who asked as whom.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ExecAdapter, ExecEnd } from '../../src/adapters/exec.ts';
import type { Person } from '../../src/domain/person.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { FallbackExecAdapter } from '../../src/adapters/kubernetes/fallback-exec.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor } from '../support/wait.ts';

const SERVER_USER = 'system:serviceaccount:octant-exec:octant-exec';
const bob: Person = { user: 'bob', groups: ['viewers'] };

const transports: { name: string; verb: string; make(contexts: KubeContexts): ExecAdapter }[] = [
  { name: 'WebSocket', verb: 'get', make: (contexts) => new WebSocketExecAdapter(contexts) },
  { name: 'SPDY/3.1', verb: 'create', make: (contexts) => new SpdyExecAdapter(contexts) },
  { name: 'fallback', verb: 'get', make: (contexts) => new FallbackExecAdapter(new WebSocketExecAdapter(contexts), new SpdyExecAdapter(contexts)) },
];

const failure = (end: ExecEnd) => (end.kind === 'failed' ? end.failure : { reason: end.kind, message: JSON.stringify(end) });

const sandbox = await startTestSandbox({ isolation: 'none' });

for (const [index, transport] of transports.entries()) {
  const test = suite(`impersonated exec: ${transport.name}`);
  if (index === transports.length - 1) test.after(() => sandbox.close());
  let adapter: ExecAdapter;
  test.before(() => {
    adapter = transport.make(KubeContexts.fromFile(sandbox.users['octant-exec'].kubeconfigPath));
  });

  test("alice's exec runs as alice, each of her groups on its own header line; the audit log shows the server's identity impersonating her", async () => {
    const marker = `hello-${transport.name.replace(/\W/g, '')}`;
    // "a, b" is one group to Kubernetes: joined with commas, the two would become three.
    const r = runExec(adapter, { argv: ['echo', marker], person: { user: 'alice', groups: ['dev', 'a, b'] } });
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(r.stdout().toString(), `${marker}\n`);
    const event = await waitFor(
      () => auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes(`command=${marker}`) && e.responseStatus.code === 101),
      'the exec in the audit log',
    );
    assert.is(event.user.username, SERVER_USER);
    assert.equal(event.impersonatedUser, { username: 'alice', groups: ['dev', 'a, b', 'system:authenticated'] });
    assert.is(event.verb, transport.verb);
  });

  test("bob's exec is refused: forbidden, naming bob and create pods/exec in the namespace, and nothing starts", async () => {
    const before = sandbox.execsBegun();
    const refused = failure(await runExec(adapter, { argv: ['id'], person: bob }).ended);
    assert.is(refused.reason, 'forbidden');
    assert.match(refused.message, '"bob" is not allowed to exec here');
    assert.match(refused.message, 'create pods/exec');
    assert.match(refused.message, 'in namespace "default"');
    assert.match(refused.message, 'User "bob" cannot');
    assert.is(sandbox.execsBegun(), before);
  });

  test("without a person the server's own identity asks, and it may not exec", async () => {
    const refused = failure(await runExec(adapter, { argv: ['id'] }).ended);
    assert.is(refused.reason, 'forbidden');
    assert.match(refused.message, `User "${SERVER_USER}" cannot`);
    assert.match(refused.message, 'create pods/exec');
  });

  test('an identity that may not impersonate: the failure tells the operator what to grant, not that the person lacks exec', async () => {
    const asAlice = transport.make(KubeContexts.fromFile(sandbox.users.alice.kubeconfigPath));
    const refused = failure(await runExec(asAlice, { argv: ['id'], person: bob }).ended);
    assert.is(refused.reason, 'forbidden');
    assert.match(refused.message, `octant-exec's own identity (alice) may not impersonate user "bob": grant it impersonate on users and groups, see deploy/rbac.yaml.`);
    assert.not.match(refused.message, 'pods/exec');
  });

  test('a person whose name or group holds CR, LF or another control character is refused before any request', async () => {
    // Against a server nobody listens on: had a request been tried, this would be a connection failure.
    const config = new KubeConfig();
    config.loadFromString(readFileSync(sandbox.users['octant-exec'].kubeconfigPath, 'utf8').replace(sandbox.server, 'https://127.0.0.1:9'));
    const nowhere = transport.make(new KubeContexts(config));
    const injected = [
      { user: 'alice\r\nImpersonate-Group: system:masters', groups: ['dev'] },
      { user: 'alice', groups: ['dev\nsystem:masters'] },
      { user: 'alice\u0000', groups: [] },
      { user: '', groups: [] },
    ];
    for (const person of injected) {
      const refused = failure(await runExec(nowhere, { argv: ['id'], person }).ended);
      assert.is(refused.reason, 'unknown', JSON.stringify(person));
      assert.match(refused.message, /control character|no user name/);
      assert.match(refused.message, 'Nothing was sent');
    }
  });

  test.run();
}
