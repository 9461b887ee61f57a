// A cluster without debug containers (Kubernetes before 1.23, or the feature turned off) answers
// the PATCH of pods/NAME/ephemeralcontainers with a 404 for a pod that was just read: the run
// says the cluster offers no debug containers and suggests a debug copy, not that the pod is
// gone. A pod deleted between the read and the patch is still told as not found.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { fakeCluster } from './fake-cluster.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubePodChanges } from '../../src/adapters/kubernetes/debug-pods.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';

const web = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] }, status: { phase: 'Running' } };
const notFound = (message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'NotFound', code: 404 });

/** An old API server: pods are read, the ephemeralcontainers subresource does not exist; `reads` pod reads answer before the pod is gone. */
async function oldCluster(reads = Infinity) {
  const asked: string[] = [];
  const cluster = await fakeCluster({
    request: (request, response) => {
      asked.push(`${request.method} ${request.url}`);
      response.setHeader('Content-Type', 'application/json');
      if (request.method === 'GET' && request.url?.startsWith('/api/v1/namespaces/default/pods/web') && reads-- > 0) return void response.end(JSON.stringify(web));
      const gone = request.method === 'GET';
      response.writeHead(404).end(notFound(gone ? 'pods "web" not found' : 'the server could not find the requested resource'));
    },
  });
  return { asked, cluster, pods: new KubePodChanges(new ClusterReader(cluster.contexts)) };
}

const debugWeb = (pods: KubePodChanges) => pods.debugContainer({ target: { namespace: 'default', pod: 'web', container: 'nginx' }, image: 'busybox:1.36', command: ['sh'] }).then(
  () => assert.unreachable('a debug container was made'),
  (error: unknown) => error,
);

test('a 404 to the patch of a pod just read: this cluster offers no debug containers; Debug copy is suggested', async () => {
  const { asked, cluster, pods } = await oldCluster();
  try {
    const error = await debugWeb(pods);
    assert.ok(error instanceof ClusterError, String(error));
    assert.is.not(error.status, 404, 'not a missing pod');
    assert.match(error.message, 'This cluster does not offer debug containers (ephemeral containers, Kubernetes 1.23 or later)');
    assert.match(error.message, 'Use Debug copy instead');
    assert.not.match(error.message, /not found/i);
    assert.ok(asked.some((a) => a.startsWith('PATCH /api/v1/namespaces/default/pods/web/ephemeralcontainers')));
  } finally {
    cluster.close();
  }
});

test('a pod deleted between the read and the patch is not found, as before', async () => {
  const { cluster, pods } = await oldCluster(1);
  try {
    const error = await debugWeb(pods);
    assert.ok(error instanceof ClusterError && error.status === 404, String(error));
    assert.match(error.message, 'pods "web" not found');
  } finally {
    cluster.close();
  }
});

test.run();
