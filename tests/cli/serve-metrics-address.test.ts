// serve --metrics-address (src/cli/serve/metrics-address.ts): ADDR:PORT, an IPv6 address in
// brackets; anything else one line that shows the form. The ready lines name the metrics' URL,
// and local mode warns when they are reachable from other machines (a team mode is deployed so).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { serveWarnings } from '../../src/cli/serve/serve-warnings.ts';
import { readyLines } from '../../src/cli/serve/ready-lines.ts';
import { UsageError } from '../../src/cli/usage.ts';

const options = (...args: string[]) => serveOptions(parseFlags(serveSpec, args).values, { HOME: '/h' }).options;

test('ADDR:PORT, [IPv6]:PORT and a host name are taken; none given, no metrics', () => {
  assert.equal(options('--metrics-address', '127.0.0.1:9464').metrics, { host: '127.0.0.1', port: 9464 });
  assert.equal(options('--metrics-address', '[::]:0').metrics, { host: '::', port: 0 });
  assert.equal(options('--metrics-address', 'localhost:9100').metrics, { host: 'localhost', port: 9100 });
  assert.is(options().metrics, undefined);
});

test('anything else is one line showing the form', () => {
  for (const bad of ['9464', ':9464', '127.0.0.1', '127.0.0.1:99999', '::1:9464', 'host name:1', '127.0.0.1:-1', 'a:1:2']) {
    assert.throws(() => options('--metrics-address', bad), (e: Error) => e instanceof UsageError && /--metrics-address/.test(e.message) && !e.message.includes('\n'), bad);
  }
});

test('local mode warns of metrics others can reach; loopback, or a team mode, says nothing of them', () => {
  const warned = (...args: string[]) => serveWarnings(options(...args)).filter((line) => line.includes('metrics'));
  assert.equal(warned('--metrics-address', '0.0.0.0:9464').length, 1);
  assert.match(warned('--metrics-address', '0.0.0.0:9464')[0], /127\.0\.0\.1:9464/);
  assert.equal(warned('--metrics-address', '127.0.0.1:9464'), []);
  assert.equal(warned('--auth', 'kube-token', '--host', '0.0.0.0', '--metrics-address', '0.0.0.0:9464'), []);
});

test('the ready lines and the --json line name the metrics URL when there is one', () => {
  const app = { url: 'http://127.0.0.1:7788/', token: 't', auth: 'local' as const, port: 7788, socketUrl: 'ws://x', cluster: 'sandbox' as const, clusterNote: 'c', stateDir: '/s' };
  const how = { json: false, socketPath: '/api/v1/stream' };
  const url = 'http://127.0.0.1:9464/metrics';
  assert.ok(readyLines({ ...app, metricsUrl: url }, how).includes(`octant-exec: Prometheus metrics at ${url}`));
  assert.is(JSON.parse(readyLines({ ...app, metricsUrl: url }, { ...how, json: true })[0]).metrics, url);
  assert.not.ok(readyLines(app, how).join('\n').includes('metrics'));
  assert.is(JSON.parse(readyLines(app, { ...how, json: true })[0]).metrics, undefined);
});

test.run();
