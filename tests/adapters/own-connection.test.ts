// Each exec dials a connection of its own. Two kubeconfig users with client certificates exec on
// one cluster, one after the other, over SPDY and over WebSocket: the cluster sees each as
// themselves, on a new connection and a full handshake. A connection, or a TLS session, taken
// from a shared pool (http.request's fallback, the global agent) would carry the first user's
// certificate into the second user's request: the credentials sit in a shared secure context,
// which the pool's key does not see.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { once } from 'node:events';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { ChannelSocketDialer } from '../../src/adapters/kubernetes/channel-socket.ts';
import { dialSpdy } from '../../src/adapters/kubernetes/spdy-dialer.ts';
import { generateSandboxTls } from '../../src/sandbox/api/tls.ts';
import { clientCertificates } from '../support/client-certificates.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';

const test = suite('own connection per exec');
const pems = await generateSandboxTls();
const clients = await clientCertificates(['alice', 'bob']);
const EXEC = '/api/v1/namespaces/a/pods/p/exec?command=sh&stdout=true';

interface Seen {
  user: string;
  resumed: boolean;
  port: number;
}

/** A cluster that authenticates by client certificate and takes every exec upgrade, SPDY or WebSocket. */
async function certificateCluster() {
  const seen: Seen[] = [];
  const server = https.createServer({ key: pems.keyPem, cert: pems.certPem, ca: clients.caPem, requestCert: true, rejectUnauthorized: true });
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    const tls = socket as TLSSocket;
    seen.push({ user: String(tls.getPeerCertificate().subject?.CN), resumed: tls.isSessionReused(), port: tls.remotePort ?? 0 });
    if (request.headers.upgrade !== 'SPDY/3.1') return sockets.handleUpgrade(request, socket, head, () => {});
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { seen, port: (server.address() as AddressInfo).port, close: () => (sockets.close(), server.closeAllConnections(), server.close()) };
}

function kubeconfigOf(user: string, port: number): KubeConfig {
  const { certPem, keyPem } = clients.people[user]!;
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  return oneClusterConfig({ server: `https://127.0.0.1:${port}`, caData: base64(pems.caPem) }, { name: user, certData: base64(certPem), keyData: base64(keyPem) });
}

/** alice execs, then bob, each connection left open (a terminal): what the cluster saw of each */
async function aliceThenBob(dial: (config: KubeConfig) => Promise<() => void>): Promise<Seen[]> {
  const cluster = await certificateCluster();
  const open: (() => void)[] = [];
  try {
    for (const user of ['alice', 'bob']) open.push(await dial(kubeconfigOf(user, cluster.port)));
    return [...cluster.seen];
  } finally {
    for (const close of open) close();
    cluster.close();
  }
}

function assertEachAsThemselves(seen: Seen[]): void {
  assert.equal(seen.map((s) => s.user), ['alice', 'bob'], 'the cluster saw each user as themselves');
  assert.equal(seen.map((s) => s.resumed), [false, false], 'a full handshake each, no TLS session carried over');
  assert.is.not(seen[0]!.port, seen[1]!.port, 'a connection each');
}

test('SPDY: alice then bob, each seen as themselves on a connection and a handshake of their own', async () => {
  assertEachAsThemselves(
    await aliceThenBob(async (config) => {
      const { session } = await dialSpdy(config, EXEC);
      return () => session.destroy();
    }),
  );
});

test('WebSocket: alice then bob, the same', async () => {
  assertEachAsThemselves(
    await aliceThenBob(async (config) => {
      const socket = await new ChannelSocketDialer(config).connect(EXEC, null, () => true);
      return () => socket.terminate();
    }),
  );
});

/** where a dial to `server` goes first: the host and port of its first connect (stopped there) */
async function firstConnect(server: string, dial: (config: KubeConfig) => Promise<unknown>): Promise<string> {
  const connects: string[] = [];
  const real = { tls: tls.connect, net: net.connect };
  const stop = (options: { host?: string; port?: number | string }) => {
    connects.push(`${options.host}:${options.port}`);
    throw new Error('stopped at the connect');
  };
  Object.assign(tls, { connect: stop });
  Object.assign(net, { connect: stop });
  try {
    const config = oneClusterConfig({ server, skipTLSVerify: server.startsWith('http:') });
    await dial(config).catch(() => {});
  } finally {
    Object.assign(tls, { connect: real.tls });
    Object.assign(net, { connect: real.net });
  }
  return connects[0] ?? 'no connect';
}

test("a cluster URL without a port is dialed on its scheme's (443, 80), over SPDY and WebSocket", async () => {
  const spdy = (config: KubeConfig) => dialSpdy(config, EXEC);
  const webSocket = (config: KubeConfig) => new ChannelSocketDialer(config).connect(EXEC, null, () => true);
  for (const [name, dial] of [['SPDY', spdy], ['WebSocket', webSocket]] as const) {
    assert.is(await firstConnect('https://cluster.example', dial), 'cluster.example:443', `${name}, https`);
    assert.is(await firstConnect('https://cluster.example:6443', dial), 'cluster.example:6443', `${name}, https with a port`);
    assert.is(await firstConnect('http://cluster.example', dial), 'cluster.example:80', `${name}, http`);
  }
});

test.run();
