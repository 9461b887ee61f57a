// The exec dials (WebSocket and SPDY) go without client-node's per-call agent (it would live as
// long as the terminal and do nothing), on a connection of their own (never the global agent's:
// own-connection.test.ts), except through a kubeconfig's proxy, which is that agent. That the
// dial works without it: exec-contract.test.ts runs every exec through the sandbox on it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { dialDirectly } from '../../src/adapters/kubernetes/direct-dial.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';

const test = suite('direct dial');

/** the options client-node gives a call to `server` (through `proxyUrl`), then dialDirectly */
async function dialOptions(server: string, extra: { proxyUrl?: string; skipTLSVerify?: boolean } = {}): Promise<Record<string, unknown>> {
  const config = oneClusterConfig({ server, ...extra });
  const options: Record<string, unknown> = {};
  await config.applyToHTTPSOptions(options);
  assert.ok(options.agent, 'client-node gives every call an agent');
  dialDirectly(options, server.startsWith('https:'));
  return options;
}

test('an https cluster is dialled without an agent, with the TLS options client-node set', async () => {
  const options = await dialOptions('https://127.0.0.1:6443', { skipTLSVerify: true });
  assert.is(options.agent, undefined);
  assert.type(options.createConnection, 'function', "a connection of its own, not the global agent's");
  assert.is(options.rejectUnauthorized, false, 'skip-tls-verify still reaches the connection');
  assert.equal(options.headers, { Authorization: 'Bearer secret' });
});

test('a plain http cluster (skip-tls-verify) is dialled without an agent', async () => {
  assert.is((await dialOptions('http://127.0.0.1:8080', { skipTLSVerify: true })).agent, undefined);
});

test("a cluster behind a proxy keeps the proxy's agent", async () => {
  for (const proxyUrl of ['http://proxy.example:3128', 'socks5://proxy.example:1080']) {
    const { agent, createConnection } = await dialOptions('https://10.0.0.1:6443', { proxyUrl });
    assert.ok(agent, `${proxyUrl}: the agent is what goes through the proxy`);
    assert.is(createConnection, undefined, `${proxyUrl}: the proxy's agent dials`);
  }
});

test.run();
