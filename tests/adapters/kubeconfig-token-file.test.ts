// A kubeconfig user whose token is in a file (kubectl's `tokenFile`, client-node's `token-file`),
// as a projected service-account token is: every way octant-exec calls the cluster (a list, a pod
// watch, an exec over WebSocket and over SPDY) sends the file's token as it is at that moment,
// trimmed, the path taken against the kubeconfig's folder. The token is rotated (a new file put
// in place in one step, as the kubelet does) before each, and the cluster sees the new one.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { runExec } from '../support/exec-run.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';
import { execStreams, fakeCluster } from './fake-cluster.ts';

const pod = { metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] }, status: { phase: 'Running' } };

/** A cluster that takes any bearer token and notes each one, by what was asked: list, watch, websocket, spdy. */
async function notingCluster() {
  const seen: { what: string; authorization: string }[] = [];
  const note = (what: string, request: IncomingMessage) => seen.push({ what, authorization: request.headers.authorization ?? '(none)' });
  const cluster = await fakeCluster({
    request: (request: IncomingMessage, response: ServerResponse) => {
      if (!request.headers.authorization) {
        note('refused', request);
        return void response.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', message: 'Unauthorized', code: 401 }));
      }
      const watch = request.url?.includes('watch=true');
      note(watch ? 'watch' : 'list', request);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      if (watch) return void response.write(`${JSON.stringify({ type: 'ADDED', object: pod })}\n`); // held open until the cluster closes
      response.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '5' }, items: [pod] }));
    },
    websocket: (socket: WebSocket, request: IncomingMessage) => {
      note('websocket', request);
      socket.send(Buffer.concat([Buffer.of(3), Buffer.from(JSON.stringify({ status: 'Success' }))]));
      socket.close(1000);
    },
    spdy: (session, request) => {
      note('spdy', request);
      execStreams(session, ['error', 'stdout', 'stderr'], (streams) => {
        streams.stdout!.end();
        streams.stderr!.end();
        streams.error!.end();
      });
    },
  });
  return { seen, server: cluster.contexts.server(), close: cluster.close };
}

/** A kubeconfig of one cluster and one context per user. */
function kubeconfig(server: string, users: Record<string, Record<string, unknown>>): string {
  const names = Object.keys(users);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: names.map((name) => ({ name, user: users[name] })),
    contexts: names.map((name) => ({ name, context: { cluster: 'c', user: name, namespace: 'default' } })),
    'current-context': names[0],
  });
}

/** As the kubelet does it: a new file put in place in one step. */
function rotate(path: string, token: string): void {
  writeFileSync(`${path}.new`, `${token}\n`);
  renameSync(`${path}.new`, path);
}

test('tokenFile, relative to the kubeconfig\'s folder: each list, watch and exec sends the file\'s token as it is now, trimmed', async () => {
  const cluster = await notingCluster();
  try {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'kube'));
      const tokenPath = join(dir, 'kube', 'token');
      rotate(tokenPath, 'first');
      writeFileSync(join(dir, 'kube', 'config'), kubeconfig(cluster.server, { u: { tokenFile: 'token' } }));
      const contexts = KubeContexts.fromFile(join(dir, 'kube', 'config'));
      const reader = new ClusterReader(contexts);
      const last = (what: string) => cluster.seen.filter((call) => call.what === what).at(-1)?.authorization;

      assert.equal((await reader.pods('default')).map((p) => p.name), ['web']);
      assert.is(last('list'), 'Bearer first');
      rotate(tokenPath, 'second');
      await reader.pods('default');
      assert.is(last('list'), 'Bearer second');

      rotate(tokenPath, 'third');
      const watches = new KubePodWatches(reader);
      const stop = watches.subscribe(undefined, 'default', { pods: () => {}, error: () => {} });
      try {
        await waitFor(() => cluster.seen.some((call) => call.what === 'watch'), 'the watch');
        assert.is(last('list'), 'Bearer third', "the watch's list");
        assert.is(last('watch'), 'Bearer third');
      } finally {
        stop();
        watches.close();
      }

      rotate(tokenPath, 'fourth');
      assert.equal(await runExec(new WebSocketExecAdapter(contexts), { argv: ['true'] }).ended, { kind: 'exited', code: 0 });
      assert.is(last('websocket'), 'Bearer fourth');
      rotate(tokenPath, 'fifth');
      assert.equal(await runExec(new SpdyExecAdapter(contexts), { argv: ['true'] }).ended, { kind: 'exited', code: 0 });
      assert.is(last('spdy'), 'Bearer fifth');
      assert.not.ok(cluster.seen.some((call) => call.what === 'refused'), 'no call went without the token');
    });
  } finally {
    cluster.close();
  }
});

test("client-node's token-file works the same; a token wins over tokenFile, and tokenFile over an exec plugin, as in client-go", async () => {
  const cluster = await notingCluster();
  try {
    await withTempDir(async (dir) => {
      const tokenPath = join(dir, 'token');
      rotate(tokenPath, 'from-the-file');
      const path = join(dir, 'config');
      const plugin = { apiVersion: 'client.authentication.k8s.io/v1', command: join(dir, 'no-such-plugin'), interactiveMode: 'Never' };
      writeFileSync(
        path,
        kubeconfig(cluster.server, {
          kebab: { 'token-file': tokenPath },
          both: { token: 'explicit', tokenFile: tokenPath },
          plugin: { exec: plugin, tokenFile: tokenPath },
        }),
      );
      const reader = new ClusterReader(KubeContexts.fromFile(path));
      for (const [context, expected] of [['kebab', 'Bearer from-the-file'], ['both', 'Bearer explicit'], ['plugin', 'Bearer from-the-file']]) {
        await reader.pods('default', { context });
        assert.is(cluster.seen.at(-1)?.authorization, expected, context);
      }
      rotate(tokenPath, 'rotated');
      await reader.pods('default', { context: 'kebab' });
      assert.is(cluster.seen.at(-1)?.authorization, 'Bearer rotated', 'token-file is read again too');
    });
  } finally {
    cluster.close();
  }
});

test('two users written with one YAML anchor each send the file\'s token (the map they share is not emptied by the first)', async () => {
  const cluster = await notingCluster();
  try {
    await withTempDir(async (dir) => {
      rotate(join(dir, 'token'), 'anchored');
      const path = join(dir, 'config');
      writeFileSync(
        path,
        `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${cluster.server}", insecure-skip-tls-verify: true}}]
contexts: [{name: x, context: {cluster: c, user: u}}, {name: y, context: {cluster: c, user: v}}]
current-context: x
users:
- name: u
  user: &shared
    tokenFile: token
- name: v
  user: *shared
`,
      );
      const reader = new ClusterReader(KubeContexts.fromFile(path));
      for (const context of ['x', 'y']) {
        await reader.pods('default', { context });
        assert.is(cluster.seen.at(-1)?.authorization, 'Bearer anchored', context);
      }
    });
  } finally {
    cluster.close();
  }
});

test('a token file that cannot be read, or is empty: a sentence naming the file and the user, and nothing sent', async () => {
  const cluster = await notingCluster();
  try {
    await withTempDir(async (dir) => {
      const tokenPath = join(dir, 'token');
      writeFileSync(join(dir, 'config'), kubeconfig(cluster.server, { alice: { tokenFile: tokenPath } }));
      const contexts = KubeContexts.fromFile(join(dir, 'config')); // a missing file does not stop the load: the next request may find it
      const reader = new ClusterReader(contexts);
      const problem = async () => ((await reader.pods('default').then(() => assert.unreachable('listed'), (e: unknown) => e)) as Error).message;
      assert.match(await problem(), `The token file ${tokenPath} of kubeconfig user "alice" cannot be read (ENOENT)`);
      writeFileSync(tokenPath, ' \n');
      assert.match(await problem(), `The token file ${tokenPath} of kubeconfig user "alice" is empty`);
      const end = await runExec(new WebSocketExecAdapter(contexts), { argv: ['true'] }).ended;
      assert.is(end.kind, 'failed');
      assert.match(JSON.stringify(end), tokenPath);
      rmSync(tokenPath);
      rotate(tokenPath, 'back');
      await reader.pods('default');
      assert.equal(cluster.seen.map((call) => call.authorization), ['Bearer back'], 'nothing went out before');
    });
  } finally {
    cluster.close();
  }
});

test.run();
