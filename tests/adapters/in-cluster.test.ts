// --in-cluster: the identity of the pod octant-exec runs in, from a service account folder (here a
// temp folder holding the sandbox's `octant-exec` token and CA) and the API server the environment
// names. The token is read again whenever the file changes, as when the kubelet rotates it: the
// next request, exec or read, goes out with the new one, as the audit log shows.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { execAdapterFor } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { chooseCluster } from '../../src/runtime/cluster-choice.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const SERVER_USER = 'system:serviceaccount:octant-exec:octant-exec';
const { hostname, port } = new URL(sandbox.server);
const env = { KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port };

/** A service account folder as the kubelet mounts it (in the sandbox's scratch, gone with it). */
function serviceAccountDir(files: { token?: string; ca?: string; namespace?: string } = {}): string {
  const dir = mkdtempSync(join(sandbox.scratch, 'serviceaccount-'));
  if (files.token !== '-') writeFileSync(join(dir, 'token'), files.token ?? `${sandbox.users['octant-exec'].token}\n`);
  if (files.ca !== '-') writeFileSync(join(dir, 'ca.crt'), files.ca ?? sandbox.caPem);
  if (files.namespace !== '-') writeFileSync(join(dir, 'namespace'), files.namespace ?? 'octant-exec');
  return dir;
}

/** As the kubelet does it: a new file put in place in one step. */
function rotate(dir: string, token: string): void {
  writeFileSync(join(dir, 'token.new'), token);
  renameSync(join(dir, 'token.new'), join(dir, 'token'));
}

async function refusal(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  assert.instance(error, Error);
  return error as Error;
}

test('--in-cluster wins over a kubeconfig and the sandbox, and the note says where the identity comes from', async () => {
  const dir = serviceAccountDir();
  const choice = await chooseCluster({ inCluster: true, serviceAccountDir: dir, env, kubeconfig: sandbox.kubeconfigPath, sandbox: true });
  assert.is(choice.kind, 'kubeconfig');
  assert.is(choice.sandbox, undefined, 'no sandbox started');
  assert.is(choice.serviceAccountDir, dir);
  assert.is(choice.contexts.server(), sandbox.server);
  assert.is(choice.contexts.defaultNamespace(), 'octant-exec');
  assert.is(
    choice.note,
    `cluster: in-cluster at ${sandbox.server} as the pod's service account (token and CA from ${dir}, namespace "octant-exec"); --in-cluster wins over any kubeconfig and the sandbox (--kubeconfig, --sandbox not used)`,
  );
  await choice.close();
});

test('as the pod\'s identity, people work as always: alice reads and execs, impersonated; the audit log names both', async () => {
  const { contexts } = await chooseCluster({ inCluster: true, serviceAccountDir: serviceAccountDir(), env });
  const alice = { user: 'alice', groups: ['dev'] };
  assert.ok((await new ClusterReader(contexts).as(alice).pods('default')).some((pod) => pod.name === 'web'));
  const r = runExec(execAdapterFor(contexts), { argv: ['echo', 'in-cluster'], person: alice });
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  const event = await waitFor(() => auditEvents(sandbox).find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes('command=in-cluster')), 'the exec in the audit log');
  assert.is(event.user.username, SERVER_USER);
  assert.is(event.impersonatedUser.username, 'alice');
});

test('a rotated token is used by the very next request, reads and execs alike; a bad one is a 401 that says so', async () => {
  const dir = serviceAccountDir();
  const contexts = KubeContexts.inCluster({ dir, env });
  const reader = new ClusterReader(contexts);
  const adapter = execAdapterFor(contexts, 'websocket');
  assert.is((await refusal(reader.pods('restricted')) as ClusterError).status, 403, 'the server itself reads nothing');
  rotate(dir, sandbox.users.carol.token);
  assert.equal((await reader.pods('restricted')).map((pod) => pod.name), ['secret-db']);
  const r = runExec(adapter, { argv: ['echo', 'rotated'] }); // default/web: carol may, the server may not
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().toString(), 'rotated\n');
  const byCarol = await waitFor(() => {
    const events = auditEvents(sandbox);
    const list = events.find((e) => e.verb === 'list' && e.objectRef?.namespace === 'restricted' && e.responseStatus.code === 200);
    const exec = events.find((e) => e.objectRef?.subresource === 'exec' && e.requestURI.includes('command=rotated'));
    return list && exec && { list, exec };
  }, "carol's list and exec in the audit log");
  assert.is(byCarol.list.user.username, 'carol');
  assert.is(byCarol.exec.user.username, 'carol');
  rotate(dir, 'not-a-token');
  const refused = (await refusal(reader.pods('default'))) as ClusterError;
  assert.is(refused.status, 401);
  assert.match(refused.message, 'The cluster did not accept your credentials (401)');
  const end = await runExec(adapter, { argv: ['true'] }).ended;
  assert.is(end.kind === 'failed' && end.failure.reason, 'unauthorized');
  rmSync(join(dir, 'token'));
  assert.match((await refusal(reader.pods('default'))).message, `the service account token ${join(dir, 'token')} not found`);
});

test('what is missing is named, with what to do: the token, the CA, an empty token, the environment, a port', async () => {
  const problem = async (options: Parameters<typeof chooseCluster>[0]) => (await refusal(chooseCluster(options))).message;
  const noToken = serviceAccountDir({ token: '-' });
  assert.is(
    await problem({ inCluster: true, serviceAccountDir: noToken, env }),
    `--in-cluster: the service account token ${noToken}/token not found: is octant-exec running in a pod with a service account token mounted? Use --service-account-dir to point elsewhere.`,
  );
  const noCa = serviceAccountDir({ ca: '-' });
  assert.match(await problem({ inCluster: true, serviceAccountDir: noCa, env }), `--in-cluster: the cluster's CA certificate ${noCa}/ca.crt not found: is octant-exec running in a pod`);
  assert.match(await problem({ inCluster: true, serviceAccountDir: join(sandbox.scratch, 'nowhere'), env }), 'nowhere/token not found');
  const emptyToken = serviceAccountDir({ token: '\n' });
  assert.is(await problem({ inCluster: true, serviceAccountDir: emptyToken, env }), `--in-cluster: the service account token ${emptyToken}/token is empty.`);
  const dir = serviceAccountDir();
  assert.is(
    await problem({ inCluster: true, serviceAccountDir: dir, env: { KUBERNETES_SERVICE_PORT: port } }),
    '--in-cluster: KUBERNETES_SERVICE_HOST not found in the environment: is octant-exec running in a pod? Kubernetes sets KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT in every container.',
  );
  assert.match(await problem({ inCluster: true, serviceAccountDir: dir, env: { KUBERNETES_SERVICE_HOST: hostname } }), '--in-cluster: KUBERNETES_SERVICE_PORT not found');
  assert.is(await problem({ inCluster: true, serviceAccountDir: dir, env: { ...env, KUBERNETES_SERVICE_PORT: '443x' } }), '--in-cluster: KUBERNETES_SERVICE_PORT "443x" is not a port number.');
  assert.is(await problem({ serviceAccountDir: dir, env }), `--service-account-dir ${dir} is only used with --in-cluster`);
});

test('an IPv6 service host is put in brackets; a namespace file is optional; a JWT names its service account', () => {
  const claims = Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:team:octant-exec' })).toString('base64url');
  const dir = serviceAccountDir({ namespace: '-', token: `eyJhbGciOiJSUzI1NiJ9.${claims}.c2lnbmF0dXJl` });
  const contexts = KubeContexts.inCluster({ dir, env: { KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '443' } });
  assert.is(contexts.server(), 'https://[fd00:10:96::1]:443');
  assert.is(contexts.defaultNamespace(), 'default');
  assert.is(contexts.user(), 'system:serviceaccount:team:octant-exec');
});

test.run();
