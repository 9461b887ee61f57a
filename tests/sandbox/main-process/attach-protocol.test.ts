// pods/attach at the frame level: live output of the main process to every attacher, stdin and
// its end as containerd treats them (stdinOnce without a terminal closes the process's stdin;
// otherwise closing stdin detaches), detaching never ends the process, and the refusals: stdin
// to a container that reads none, an unknown container, no RBAC right. Each attach is audited.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { apiRequest, startTestSandbox } from '../../support/sandbox.ts';
import { waitFor } from '../../support/wait.ts';
import { attachPath, openStream, type ExecSession } from '../../support/sandbox-exec-client.ts';
import { mainProcessFixture } from './fixture.ts';

for (const isolation of ['bubblewrap', 'none'] as const) {
  const test = suite(`attach (${isolation})`);
  const sandbox = await startTestSandbox({ fixture: mainProcessFixture(), isolation });
  test.after(() => sandbox.close());

  const attach = (q: Parameters<typeof attachPath>[0], token?: string) => openStream(sandbox, attachPath({ namespace: 'demo', ...q }), ['v5.channel.k8s.io'], token);
  const refusal = (session: Promise<ExecSession>) => session.then(() => undefined, (error: { status: number; body: string }) => error);
  const stdinEnd = (session: ExecSession) => session.send(255, new Uint8Array([0]));
  const running = async (pod: string) => {
    const object = JSON.parse((await apiRequest(sandbox, `/api/v1/namespaces/demo/pods/${pod}`)).body);
    return object.status.containerStatuses[0].state.running !== undefined;
  };

  test('attach -i to a shell on a terminal: input reaches it, closing stdin detaches with Success, the shell goes on and takes the next attach', async () => {
    for (const round of [1, 2]) {
      const session = await attach({ pod: 'console', stdin: true, tty: true });
      session.send(0, `echo attached-$((6*${round}))\n`);
      await waitFor(() => session.stdout().includes(`attached-${6 * round}`), `attached-${6 * round} from the shell`);
      stdinEnd(session);
      assert.is((await session.closed).code, 1000);
      assert.equal(session.status(), { metadata: {}, status: 'Success' });
      assert.ok(await running('console'), 'the shell still runs after the detach');
    }
  });

  test('every attacher sees the output live, whoever typed', async () => {
    const watcher = await attach({ pod: 'console', tty: true });
    const typist = await attach({ pod: 'console', stdin: true, tty: true });
    typist.send(0, 'echo both-$((40+2))\n');
    await waitFor(() => watcher.stdout().includes('both-42'), 'both-42 on the watching attach');
    assert.ok(typist.stdout().includes('both-42'));
    watcher.ws.close();
    typist.ws.close();
    await Promise.all([watcher.closed, typist.closed]);
    assert.ok(await running('console'), 'closing attaches ends nothing');
  });

  test('stdinOnce without a terminal: closing stdin closes the process stdin and the attach goes on to its output', async () => {
    const session = await attach({ pod: 'echoer', container: 'loop', stdin: true });
    session.send(0, 'hello\n');
    await waitFor(() => session.stdout().includes('got hello'), 'the loop to echo the line');
    stdinEnd(session);
    await waitFor(() => session.stdout().includes('stdin-closed'), 'the loop to see end of input');
    assert.is(session.status(), undefined, 'the attach is still open');
    session.ws.close();
    await session.closed;
    assert.ok(await running('echoer'));
  });

  test('refused: stdin to a container that reads none (400), an unknown container (400), nothing started', async () => {
    const noStdin = await refusal(attach({ pod: 'chatty', stdin: true }));
    assert.is(noStdin?.status, 400);
    assert.match(JSON.parse(noStdin!.body).message, 'container app in pod chatty does not read stdin (its spec has no "stdin: true")');
    const unknown = await refusal(attach({ pod: 'echoer', container: 'nope' }));
    assert.is(unknown?.status, 400);
    assert.is(JSON.parse(unknown!.body).message, 'container nope is not valid for pod echoer');
    const unnamed = await refusal(attach({ pod: 'echoer' }));
    assert.is(JSON.parse(unnamed!.body).message, 'a container name must be specified for pod echoer, choose one of: [loop quiet]');
  });

  test('refused without the RBAC right, worded as the API server words it', async () => {
    const denied = await refusal(attach({ pod: 'console', tty: true }, sandbox.users.viewer.token));
    assert.is(denied?.status, 403);
    assert.is(JSON.parse(denied!.body).message, 'pods "console" is forbidden: User "viewer" cannot get resource "pods/attach" in API group "" in the namespace "demo"');
  });

  test('an execForbidden pod refuses attach to everyone, the admin included', async () => {
    const denied = await refusal(attach({ pod: 'locked', stdin: true }));
    assert.is(denied?.status, 403);
    assert.is(JSON.parse(denied!.body).message, 'pods "locked" is forbidden: User "octant-exec-sandbox-user" cannot create resource "pods/attach" in API group "" in the namespace "demo"');
  });

  test('a container that has ended cannot be attached to (the kubelet says container not found)', async () => {
    await waitFor(async () => !(await running('exits')), 'exits to end');
    const gone = await refusal(attach({ pod: 'exits' }));
    assert.is(gone?.status, 500);
    assert.is(gone?.body, 'container not found ("job")');
  });

  test('attaches are in the audit log as pods/attach', async () => {
    const session = await attach({ pod: 'echoer', container: 'quiet' });
    session.ws.close();
    await session.closed;
    const entries = await waitFor(() => {
      const found = readFileSync(sandbox.auditLogPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((e) => e.objectRef?.subresource === 'attach' && e.objectRef?.name === 'echoer');
      return found.length > 0 && found;
    }, 'an audit record of the attach');
    assert.is(entries[0].objectRef.resource, 'pods');
  });

  test('v4 works too, and sizes on channel 4 reach the terminal', async () => {
    const session = await openStream(sandbox, attachPath({ namespace: 'demo', pod: 'console', stdin: true, tty: true }), ['v4.channel.k8s.io']);
    assert.is(session.protocol, 'v4.channel.k8s.io');
    session.send(4, '{"Width":123,"Height":45}\n');
    session.send(0, 'stty size\n');
    await waitFor(() => /^45 123\r?$/m.test(session.stdout()), '"45 123" from stty size');
    session.ws.close();
    await session.closed;
  });

  test('the pod deleted: its attaches end with Success', async () => {
    const session = await attach({ pod: 'doomed' });
    assert.ok(sandbox.deletePod('demo', 'doomed'));
    assert.is((await session.closed).code, 1000);
    assert.equal(session.status(), { metadata: {}, status: 'Success' });
  });

  test.run();
}
