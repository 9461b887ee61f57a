// Team mode's reads: `ClusterReader.as(person)` lists and reads as the person, `canI` asks the
// cluster (a SelfSubjectAccessReview as the person) and keeps the answer briefly, and pod watches
// are shared per (person, context, namespace). All through the sandbox's `octant-exec` user, which
// may read nothing itself: every answer below is the person's, and the audit log shows who asked.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../../src/adapters/cluster.ts';
import type { PodSummary } from '../../src/domain/pod.ts';
import type { Person } from '../../src/domain/person.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { auditEvents } from '../support/sandbox-access.ts';
import { waitFor } from '../support/wait.ts';

const sandbox = await startTestSandbox({ isolation: 'none' });
test.after(() => sandbox.close());
const SERVER_USER = 'system:serviceaccount:octant-exec:octant-exec';
const alice: Person = { user: 'alice', groups: ['dev'] };
const bob: Person = { user: 'bob', groups: ['viewers'] };
const carol: Person = { user: 'carol', groups: ['octant-admins'] };
const nobody: Person = { user: 'nobody', groups: [] };
const exec = (namespace: string) => ({ namespace, verb: 'create', resource: 'pods', subresource: 'exec' });

let now = 0;
const reader = new ClusterReader(KubeContexts.fromFile(sandbox.users['octant-exec'].kubeconfigPath), { now: () => now });

/** The ClusterError a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<ClusterError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  assert.instance(error, ClusterError);
  return error as ClusterError;
}

const reviewsBy = (user: string) => auditEvents(sandbox).filter((e) => e.objectRef?.resource === 'selfsubjectaccessreviews' && e.impersonatedUser?.username === user);

test("as(bob) lists pods as bob, each group on its own line (one with a comma stays one); the server's identity itself reads nothing", async () => {
  const pods = await reader.as({ user: 'bob', groups: ['viewers', 'x, y'] }).pods('restricted');
  assert.equal(pods.map((p) => p.name), ['secret-db']);
  const event = await waitFor(() => auditEvents(sandbox).find((e) => e.verb === 'list' && e.impersonatedUser?.username === 'bob'), "bob's list in the audit log");
  assert.is(event.user.username, SERVER_USER);
  assert.equal(event.impersonatedUser.groups, ['viewers', 'x, y', 'system:authenticated']);
  assert.is(event.responseStatus.code, 200);
  const own = await refusal(reader.pods('default'));
  assert.is(own.status, 403);
  assert.match(own.message, `User "${SERVER_USER}" cannot list resource "pods"`);
});

test('every read of a view is the person\'s: a pod, namespaces; "who" is the person', async () => {
  assert.is((await reader.as(alice).pod('default', 'web')).name, 'web');
  assert.ok((await reader.as(carol).namespaces()).includes('restricted'));
  const aliceNamespaces = await refusal(reader.as(alice).namespaces());
  assert.is(aliceNamespaces.status, 403);
  assert.match(aliceNamespaces.message, '"alice" is not allowed to list namespaces');
  assert.is(reader.as(alice).userOf(), 'alice');
  assert.is(reader.userOf(), reader.contexts.user(), "the plain reader: the kubeconfig's user");
  assert.is.not(reader.userOf(), 'alice');
});

test('as(nobody), a person without bindings: a 403 ClusterError naming them and what they lack', async () => {
  const refused = await refusal(reader.as(nobody).pods('default'));
  assert.is(refused.status, 403);
  assert.match(refused.message, '"nobody" is not allowed to list pods in namespace "default": this needs the "list" verb on "pods"');
  assert.match(refused.message, 'User "nobody" cannot list');
});

test('canI asks as the person: alice may exec in default, not in restricted; bob nowhere; carol everywhere; the reason names the permission', async () => {
  const answers: Record<string, boolean> = {};
  for (const [name, person] of Object.entries({ alice, bob, carol })) {
    for (const namespace of ['default', 'restricted']) answers[`${name} ${namespace}`] = (await reader.as(person).canI(exec(namespace))).allowed;
  }
  assert.equal(answers, { 'alice default': true, 'alice restricted': false, 'bob default': false, 'bob restricted': false, 'carol default': true, 'carol restricted': true });
  assert.equal(await reader.as(bob).canI(exec('default')), { allowed: false, reason: 'Not allowed: this needs create pods/exec in namespace "default". Ask a cluster admin for a Role that grants it.' });
  assert.equal(await reader.as(alice).canI(exec('default')), { allowed: true, reason: 'Allowed: create pods/exec in namespace "default".' });
  assert.is((await reader.as(bob).canI({ namespace: 'default', verb: 'list', resource: 'pods' })).allowed, true);
  assert.is((await reader.canI(exec('default'))).allowed, false, "the server's own identity may not exec");
  const review = await waitFor(() => reviewsBy('carol')[0], "carol's review in the audit log");
  assert.is(review.user.username, SERVER_USER);
});

test('a name beyond ASCII reaches the cluster as itself in a review (a POST with a body) as in a read', async () => {
  const zoe: Person = { user: 'zoë', groups: ['développeurs'] };
  assert.is((await reader.as(zoe).canI(exec('default'))).allowed, false);
  await refusal(reader.as(zoe).pods('default'));
  const asked = await waitFor(() => auditEvents(sandbox).filter((e) => e.impersonatedUser?.username === 'zoë'), "zoë's requests in the audit log");
  assert.equal(asked.map((e) => [e.objectRef?.resource, e.impersonatedUser.groups]), [
    ['selfsubjectaccessreviews', ['développeurs', 'system:authenticated']],
    ['pods', ['développeurs', 'system:authenticated']],
  ]);
});

test('canI answers are kept 10 s per person and question, then asked again; a bad question is a 400 before any request', async () => {
  now = 1_000_000;
  const dave: Person = { user: 'dave', groups: ['dev'] };
  const erin: Person = { user: 'erin', groups: ['dev'] };
  assert.is((await reader.as(dave).canI(exec('batch'))).allowed, true);
  assert.is((await reader.as({ user: 'dave', groups: ['dev'] }).canI(exec('batch'))).allowed, true, 'a new view of the same person');
  now += 9_999;
  await reader.as(dave).canI(exec('batch'));
  // Asked after the kept answers: once erin's review is logged, dave's would be too.
  await reader.as(erin).canI(exec('batch'));
  await waitFor(() => reviewsBy('erin').length === 1, "erin's review");
  assert.is(reviewsBy('dave').length, 1, 'one review for three questions within 10 s');
  now += 1;
  await reader.as(dave).canI(exec('batch'));
  await waitFor(() => reviewsBy('dave').length === 2, 'asked again after 10 s');
  const bad = await refusal(reader.as(dave).canI({ namespace: 'Bad Name', verb: 'create', resource: 'pods' }));
  assert.is(bad.status, 400);
  assert.is((await refusal(reader.as(dave).canI({ namespace: 'default', verb: 'create\n', resource: 'pods' }))).status, 400);
});

test("an identity that may not impersonate: reads and reviews say what the operator must grant", async () => {
  const asAlice = new ClusterReader(KubeContexts.fromFile(sandbox.users.alice.kubeconfigPath));
  for (const call of [asAlice.as(bob).pods('default'), asAlice.as(bob).canI(exec('default'))]) {
    const refused = await refusal(call);
    assert.is(refused.status, 403);
    assert.match(refused.message, `octant-exec's own identity (alice) may not impersonate user "bob": grant it impersonate on users and groups, see deploy/rbac.yaml.`);
  }
});

test('a person with CR, LF or another control character is refused (400) before any request, reads and watches alike', async () => {
  const config = new KubeConfig();
  config.loadFromString(readFileSync(sandbox.users['octant-exec'].kubeconfigPath, 'utf8').replace(sandbox.server, 'https://127.0.0.1:9'));
  const nowhere = new ClusterReader(new KubeContexts(config)); // a request would be a 502, not a 400
  for (const person of [{ user: 'alice\r\nImpersonate-Group: system:masters', groups: [] }, { user: 'alice', groups: ['dev\n'] }]) {
    for (const call of [nowhere.as(person).pods('default'), nowhere.as(person).canI(exec('default')), nowhere.as(person).namespaces()]) {
      const refused = await refusal(call);
      assert.is(refused.status, 400, refused.message);
      assert.match(refused.message, 'control character');
    }
    const errors: string[] = [];
    new KubePodWatches(nowhere).subscribe(undefined, 'default', { pods: () => {}, error: (message) => errors.push(message) }, person)();
    assert.match(errors[0] ?? '', 'control character');
  }
});

test('a pod watch of a context the kubeconfig lacks is told so, not retried in silence', async () => {
  const watches = new KubePodWatches(reader);
  try {
    const errors: string[] = [];
    watches.subscribe('nope', 'default', { pods: () => assert.unreachable('pods of a context that is not there'), error: (m) => errors.push(m) });
    assert.match(await waitFor(() => errors[0], 'the refusal'), 'Context "nope" is not in the kubeconfig');
  } finally {
    watches.close();
  }
});

test('pod watches per person: alice sees default as she may, shared by her subscribers; nobody is told why not; a deleted pod is still reported gone', async () => {
  const gone: string[] = [];
  const watches = new KubePodWatches(reader, (_context, namespace, pod) => gone.push(`${namespace}/${pod}`));
  try {
    let first: PodSummary[] = [];
    let second: PodSummary[] = [];
    const stopFirst = watches.subscribe(undefined, 'batch', { pods: (pods) => (first = pods), error: (m) => assert.unreachable(m) }, alice);
    const stopSecond = watches.subscribe(undefined, 'batch', { pods: (pods) => (second = pods), error: (m) => assert.unreachable(m) }, { user: 'alice', groups: ['dev'] });
    await waitFor(() => first.length === 3 && second.length === 3, 'both of alice\'s subscribers to see batch\'s pods');
    const errors: string[] = [];
    const stopNobody = watches.subscribe(undefined, 'batch', { pods: () => {}, error: (m) => errors.push(m) }, nobody);
    await waitFor(() => errors[0], "nobody's refusal");
    assert.match(errors[0], '"nobody" is not allowed to list pods in namespace "batch"');
    stopNobody();
    assert.ok(sandbox.deletePod('batch', 'worker-2'));
    await waitFor(() => first.length === 2 && gone.includes('batch/worker-2'), 'the deletion seen through the watch');
    stopFirst();
    stopSecond();
    const aliceWatches = await waitFor(() => {
      const found = auditEvents(sandbox).filter((e) => e.verb === 'watch' && e.impersonatedUser?.username === 'alice' && e.objectRef?.namespace === 'batch');
      return found.length > 0 && found;
    }, "alice's watch in the audit log (written when it ends)");
    assert.is(aliceWatches.length, 1, 'one watch for both subscribers');
    assert.is(aliceWatches[0].user.username, SERVER_USER);
    assert.equal(aliceWatches[0].impersonatedUser.groups, ['dev', 'system:authenticated']);
  } finally {
    watches.close();
  }
});

test.run();
