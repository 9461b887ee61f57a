// Real kubectl 1.27 (a SPDY client nobody here wrote) against our server-side session: just
// enough Kubernetes API for `kubectl exec` to reach the SPDY upgrade, then a scripted exec.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { withTimeout } from '../support/wait.ts';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.27';

const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get'] },
      { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    ],
  },
  '/api/v1/namespaces/default/pods/p': {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running' },
  },
};

const exitCode3 = {
  metadata: {},
  status: 'Failure',
  reason: 'NonZeroExitCode',
  message: 'command terminated with non-zero exit code: exit status 3',
  details: { causes: [{ reason: 'ExitCode', message: '3' }] },
};

interface Seen {
  upgrade?: http.IncomingHttpHeaders & { offered: string[] };
  streams: string[];
  stdin: string;
}

function fakeApiServer(seen: Seen): http.Server {
  const server = http.createServer((req, res) => {
    const body = discovery[(req.url ?? '').split('?')[0]!];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', status: 'Failure', code: 404 }));
  });
  server.on('upgrade', (req, socket, head) => {
    const offered = req.headersDistinct['x-stream-protocol-version'] ?? [];
    seen.upgrade = { ...req.headers, offered };
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    const session = new SpdySession(socket, { role: 'server', head });
    const streams: Record<string, SpdyStream> = {};
    session.on('stream', (stream) => {
      const type = stream.headers.streamtype!;
      seen.streams.push(type);
      streams[type] = stream;
      stream.on('data', (chunk: Buffer) => type === 'stdin' && (seen.stdin += chunk));
      stream.reply();
      // kubectl opens stdout and stderr last; with them open, play the process.
      if (type === 'stderr') {
        streams.stdin!.once('end', () => {
          streams.stdout!.end(`hello ${seen.stdin}`);
          streams.stderr!.end('on stderr\n');
          streams.error!.end(JSON.stringify(exitCode3));
        });
      }
    });
  });
  return server;
}

test('kubectl 1.27 execs over our SPDY session: streams, stdin EOF, output and exit code', async () => {
  const seen: Seen = { streams: [], stdin: '' };
  const server = fakeApiServer(seen);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'spdy-kubectl-'));
  const kubeconfig = join(dir, 'config');
  const { port } = server.address() as AddressInfo;
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
    users: [{ name: 'u', user: {} }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
    'current-context': 'c',
  }));

  const kubectl = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'exec', '-i', 'p', '--', 'cat'], {
    env: { ...process.env, HOME: dir },
  });
  let stdout = '';
  let stderr = '';
  kubectl.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  kubectl.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  kubectl.stdin.end('from stdin');
  let code: number | null;
  try {
    code = await withTimeout(new Promise<number | null>((resolve) => kubectl.on('close', resolve)), 30_000, 'kubectl exec to end');
  } finally {
    kubectl.kill('SIGKILL');
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  assert.is(seen.upgrade?.upgrade, 'SPDY/3.1');
  assert.equal(seen.upgrade?.offered, ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
  assert.equal(seen.streams, ['error', 'stdin', 'stdout', 'stderr']);
  assert.is(seen.stdin, 'from stdin');
  assert.is(stdout, 'hello from stdin');
  assert.match(stderr, 'on stderr');
  assert.match(stderr, 'command terminated with exit code 3');
  assert.is(code, 3);
});

test.run();
