// HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as kubectl honours them (Go's ProxyFromEnvironment): a
// cluster whose kubeconfig names no proxy-url is reached through the environment's proxy, a
// list and an exec (WebSocket and SPDY) alike, unless NO_PROXY leaves its host out. The cluster
// is addressed by this machine's host name (loopback addresses and localhost never go through a
// proxy, as in Go), and the proxy is an HTTP CONNECT proxy that notes each tunnel it opens.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { lookup } from 'node:dns/promises';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ExecAdapter } from '../../src/adapters/exec.ts';
import { proxyFromEnvironment } from '../../src/adapters/kubernetes/env-proxy.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { generateSandboxTls } from '../../src/sandbox/api/tls.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import { runExec } from '../support/exec-run.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';
import { execStreams } from './fake-cluster.ts';

const host = hostname();
// the test needs a name for this machine that is no loopback address's and that resolves here
assert.is.not(host, 'localhost', 'this machine is named localhost: a cluster by that name is never proxied');
await lookup(host).catch((error: Error) => assert.unreachable(`this machine's host name ${host} does not resolve (${error.message}): the cluster is addressed by it`));

const pems = await generateSandboxTls();
const cluster = await httpsCluster();
const proxy = await connectProxy();
test.after(() => {
  cluster.close();
  proxy.close();
});
const server = `https://${host}:${cluster.port}`;

/** The cluster by this machine's name, its certificate checked as localhost's (tls-server-name). */
function contexts(env: Record<string, string>): KubeContexts {
  return new KubeContexts(oneClusterConfig({ server, caData: Buffer.from(pems.caPem).toString('base64'), tlsServerName: 'localhost' }), env);
}

/** What reached the cluster through the proxy while `body` ran, by what was asked. */
async function through(body: () => Promise<unknown>): Promise<string[]> {
  const before = proxy.tunnels.length;
  await body();
  return proxy.tunnels.slice(before);
}

const exec = async (adapter: ExecAdapter) => assert.equal(await runExec(adapter, { argv: ['true'] }).ended, { kind: 'exited', code: 0 });

test('HTTPS_PROXY: a list, a WebSocket exec and a SPDY exec each go through the proxy', async () => {
  const kube = contexts({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1,.example.com' });
  assert.equal(await through(() => new ClusterReader(kube).pods('default')), [`${host}:${cluster.port}`]);
  assert.equal(await through(() => exec(new WebSocketExecAdapter(kube))), [`${host}:${cluster.port}`]);
  assert.equal(await through(() => exec(new SpdyExecAdapter(kube))), [`${host}:${cluster.port}`]);
  assert.equal(cluster.calls.slice(-3), ['list', 'websocket', 'spdy']);
});

test('lowercase https_proxy, and a value without a scheme (taken as http://, as Go does)', async () => {
  const bare = proxy.url.replace('http://', '');
  assert.equal(await through(() => new ClusterReader(contexts({ https_proxy: bare })).pods('default')), [`${host}:${cluster.port}`]);
});

test('NO_PROXY naming the host (in any case, with its port, or *) bypasses the proxy; HTTP_PROXY is not for https', async () => {
  for (const env of <Record<string, string>[]>[
    { HTTPS_PROXY: proxy.url, NO_PROXY: `other.example.com, ${host.toUpperCase()}` },
    { HTTPS_PROXY: proxy.url, no_proxy: `${host}:${cluster.port}` },
    { HTTPS_PROXY: proxy.url, NO_PROXY: '*' },
    { HTTP_PROXY: proxy.url },
  ]) {
    const kube = contexts(env);
    assert.equal(await through(() => new ClusterReader(kube).pods('default')), [], JSON.stringify(env));
    assert.equal(await through(() => exec(new SpdyExecAdapter(kube))), [], JSON.stringify(env));
  }
});

test("a kubeconfig's own proxy-url wins over the environment's", () => {
  const config = oneClusterConfig({ server, proxyUrl: 'socks5://127.0.0.1:1080' });
  assert.is(new KubeContexts(config, { HTTPS_PROXY: proxy.url }).config().getCurrentCluster()?.proxyUrl, 'socks5://127.0.0.1:1080');
});

test('which proxy, for which server, as in Go: loopback and localhost never; NO_PROXY hosts, suffixes, CIDRs, ports', () => {
  const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:8080', NO_PROXY: noProxy });
  const cases: [string, string, string | undefined][] = [
    ['https://k8s.example.com', '', 'http://proxy.corp:3128/'],
    ['http://k8s.example.com', '', 'http://plain.corp:8080/'],
    ['https://127.0.0.9:6443', '', undefined],
    ['https://[::1]:6443', '', undefined],
    ['https://localhost:6443', '', undefined],
    ['https://k8s.example.com', 'example.com', undefined],
    ['https://example.com', 'example.com', undefined],
    ['https://example.com', '.example.com', 'http://proxy.corp:3128/'],
    ['https://k8s.example.com', '*.example.com', undefined],
    ['https://notexample.com', 'example.com', 'http://proxy.corp:3128/'],
    ['https://k8s.example.com:6443', 'k8s.example.com:443', 'http://proxy.corp:3128/'],
    ['https://k8s.example.com', 'k8s.example.com:443', undefined],
    ['https://10.1.2.3:6443', '10.0.0.0/8', undefined],
    ['https://11.1.2.3:6443', '10.0.0.0/8', 'http://proxy.corp:3128/'],
    ['https://10.1.2.3:6443', '10.1.2.3', undefined],
    ['https://[fd00::5]:6443', 'fd00::/8', undefined],
    ['https://[fd00::5]:6443', '[fd00::5]:6443', undefined],
    ['https://k8s.example.com', ' , *', undefined],
  ];
  for (const [target, noProxy, expected] of cases) assert.is(proxyFromEnvironment(target, env(noProxy)), expected, `${target} with NO_PROXY "${noProxy}"`);
});

test('a proxy from the environment that octant-exec cannot go through: a sentence naming the variable, not its value', async () => {
  const problem = (env: Record<string, string>): string => {
    try {
      contexts(env).config();
    } catch (error) {
      return (error as Error).message;
    }
    return assert.unreachable('used') as never;
  };
  assert.is(
    problem({ HTTPS_PROXY: 'ftp://user:secret@proxy.corp:21' }),
    'HTTPS_PROXY in the environment names a ftp:// proxy, which octant-exec cannot go through: it takes http://, https://, socks5://, socks5h:// (as kubectl does). Fix or unset it, or list the cluster\'s host in NO_PROXY.',
  );
  assert.match(problem({ HTTPS_PROXY: 'http://[bad' }), 'HTTPS_PROXY in the environment is not a proxy URL');
  assert.not.throws(() => contexts({ HTTPS_PROXY: 'ftp://proxy.corp:21', NO_PROXY: host }).config(), 'not used, so not a problem');
  // met at a read (a context other than the one checked at the start): that sentence, a cluster not reached (502), not an internal error
  const read = await new ClusterReader(contexts({ HTTPS_PROXY: 'ftp://proxy.corp:21' })).pods('default').catch((error: unknown) => error);
  assert.ok(read instanceof ClusterError && read.status === 502, String(read));
  assert.match(read.message, 'HTTPS_PROXY in the environment names a ftp:// proxy');
});

test.run();

/** An https cluster on every interface: a pod list, and an exec over WebSocket or SPDY that exits 0; `calls` notes each. */
async function httpsCluster() {
  const calls: string[] = [];
  const httpsServer = https.createServer({ key: pems.keyPem, cert: pems.certPem }, (_request, response) => {
    calls.push('list');
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
  });
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  httpsServer.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    if (request.headers.upgrade === 'SPDY/3.1') {
      calls.push('spdy');
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
      return execStreams(new SpdySession(socket, { role: 'server', head }), ['error', 'stdout', 'stderr'], (streams) => {
        streams.stdout!.end();
        streams.stderr!.end();
        streams.error!.end();
      });
    }
    calls.push('websocket');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.send(Buffer.concat([Buffer.of(3), Buffer.from(JSON.stringify({ status: 'Success' }))]));
      ws.close(1000);
    });
  });
  httpsServer.listen(0); // every interface: the host name may resolve to any of this machine's addresses
  await once(httpsServer, 'listening');
  return { calls, port: (httpsServer.address() as AddressInfo).port, close: () => (sockets.close(), httpsServer.closeAllConnections(), httpsServer.close()) };
}

/** An HTTP CONNECT proxy that pipes each tunnel both ways; `tunnels` notes each CONNECT's host:port. */
async function connectProxy() {
  const tunnels: string[] = [];
  const open = new Set<net.Socket>();
  const proxyServer = net.createServer((client) => {
    open.add(client);
    client.once('data', (head: Buffer) => {
      const [target, port] = /^CONNECT (\S+):(\d+) /.exec(head.toString('latin1'))!.slice(1) as [string, string];
      tunnels.push(`${target}:${port}`);
      const upstream = net.connect(Number(port), target, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      open.add(upstream);
      for (const socket of [client, upstream]) socket.on('error', () => (client.destroy(), upstream.destroy()));
    });
  });
  proxyServer.listen(0, '127.0.0.1');
  await once(proxyServer, 'listening');
  return {
    tunnels,
    url: `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of open) socket.destroy();
      proxyServer.close();
    },
  };
}
