// When nothing reached the cluster, the sentence says why as kubectl would: a credential plugin that
// failed (with what it said) or is not installed (naming it), a certificate that is not trusted, does
// not name the address or has expired (with Node's words, and the kubeconfig's certificate-authority
// to check); not "Could not reach the cluster … Check that it is running". The pod watch says a
// plugin's failure too, rather than retrying in silence.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import 'reflect-metadata'; // @peculiar/x509's tsyringe needs the Reflect metadata API: load it first
import * as x509 from '@peculiar/x509';
import { Buffer } from 'node:buffer';
import https from 'node:https';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ExecAdapter } from '../../src/adapters/exec.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { ClusterReader } from '../../src/adapters/kubernetes/cluster.ts';
import { KubePodWatches } from '../../src/adapters/kubernetes/pod-watches.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';
import { fakeCluster } from './fake-cluster.ts';

const test = suite('why nothing reached the cluster', { deadlineMs: 60_000 });

const failingPlugin = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', 'echo "error: you must log in: run mylogin" >&2; exit 1'], interactiveMode: 'Never' } } as never;
const missingPlugin = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'octant-test-no-such-plugin', interactiveMode: 'Never', installHint: 'Install it with: brew install no-such-plugin' } } as never;

/** the message of a failed read, and of a failed exec over each transport */
async function failures(contexts: KubeContexts): Promise<string[]> {
  const read = await new ClusterReader(contexts).pods('default').then(
    () => assert.unreachable('the read succeeded'),
    (error: unknown) => error,
  );
  assert.ok(read instanceof ClusterError && read.status === 502, String(read));
  const messages = [read.message];
  for (const adapter of [new WebSocketExecAdapter(contexts), new SpdyExecAdapter(contexts)] as ExecAdapter[]) {
    const end = await withTimeout(runExec(adapter, { argv: ['true'] }).ended, 15_000, 'the exec to end');
    assert.ok(end.kind === 'failed' && end.failure.reason === 'connection', JSON.stringify(end));
    messages.push(end.failure.message);
  }
  return messages;
}

test('a credential plugin that fails: getting credentials failed, with what it said', async () => {
  const cluster = await fakeCluster({}, failingPlugin);
  try {
    for (const message of await failures(cluster.contexts)) {
      assert.match(message, "Getting credentials from the kubeconfig's credential plugin (sh) failed");
      assert.match(message, 'It said: error: you must log in: run mylogin');
      assert.not.match(message, /Could not reach|Check that it is running/);
    }
  } finally {
    cluster.close();
  }
});

test('a credential plugin that is not installed: named, with its install hint', async () => {
  const cluster = await fakeCluster({}, missingPlugin);
  try {
    for (const message of await failures(cluster.contexts)) {
      assert.match(message, `The kubeconfig's credential plugin "octant-test-no-such-plugin" is not installed`);
      assert.match(message, 'Install it with: brew install no-such-plugin.');
      assert.not.match(message, /Could not reach|ENOENT/);
    }
  } finally {
    cluster.close();
  }
});

test('the pod watch tells its subscribers a plugin that fails, rather than retrying in silence', async () => {
  const cluster = await fakeCluster({}, failingPlugin);
  const watches = new KubePodWatches(new ClusterReader(cluster.contexts));
  const told: string[] = [];
  const stop = watches.subscribe(undefined, 'default', { pods: () => {}, error: (message) => told.push(message) });
  try {
    await waitFor(() => told.length > 0, 'the watch to tell the failure');
    assert.match(told[0]!, 'It said: error: you must log in: run mylogin');
  } finally {
    stop();
    watches.close();
    cluster.close();
  }
});

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A CA and a server certificate for 127.0.0.1 it signed, valid now or expired an hour ago. */
async function serverTls(expired = false): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(globalThis.crypto);
  const notBefore = new Date(Date.now() - 86_400_000);
  const notAfter = new Date(Date.now() + (expired ? -3_600_000 : 86_400_000));
  const caKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=test cluster CA',
    keys: caKeys,
    notBefore,
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=test cluster',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { caPem: ca.toString('pem'), certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
}

/** An https cluster with `tls`'s certificate, dialed trusting `caPem` (and checking `tlsServerName` when given). */
async function tlsCluster(tls: { certPem: string; keyPem: string }, caPem: string, tlsServerName?: string) {
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_request, response) => response.writeHead(404).end());
  server.on('tlsClientError', () => {}); // the client refusing the certificate is the point
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const contexts = new KubeContexts(oneClusterConfig({ server: `https://127.0.0.1:${port}`, caData: Buffer.from(caPem).toString('base64'), ...(tlsServerName ? { tlsServerName } : {}) }));
  return { contexts, close: () => (server.closeAllConnections(), server.close()) };
}

type TlsCase = { tls: { certPem: string; keyPem: string }; caPem: string; tlsServerName?: string };
const certificateCases: [string, () => Promise<TlsCase>, string][] = [
  ['signed by another CA than the kubeconfig trusts', async () => ({ tls: await serverTls(), caPem: (await serverTls()).caPem }), 'is not trusted: it is not signed by a CA the kubeconfig trusts'],
  ['for another name', async () => ((tls) => ({ tls, caPem: tls.caPem, tlsServerName: 'elsewhere.invalid' }))(await serverTls()), 'does not name this address'],
  // Deno's node:tls says UNABLE_TO_VERIFY_LEAF_SIGNATURE for an expired certificate too: there it reads as not trusted
  ['expired', async () => ((tls) => ({ tls, caPem: tls.caPem }))(await serverTls(true)), 'Deno' in globalThis ? 'is not trusted' : 'has expired or is not valid yet'],
];

for (const [what, make, says] of certificateCases) {
  test(`a cluster certificate ${what}: a certificate problem, with Node's words, and the certificate-authority to check`, async () => {
    const { tls, caPem, tlsServerName } = await make();
    const cluster = await tlsCluster(tls, caPem, tlsServerName);
    try {
      for (const message of await failures(cluster.contexts)) {
        assert.match(message, `The certificate of the cluster at https://127.0.0.1:`);
        assert.match(message, says, message);
        assert.match(message, /\([A-Z_]+: \S/, "Node's code and words");
        assert.match(message, 'certificate-authority');
        assert.match(message, 'not have expired');
        assert.not.match(message, /Could not reach|Check that it is running/);
      }
    } finally {
      cluster.close();
    }
  });
}

test.run();
