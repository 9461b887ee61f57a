// serve --metrics-address: Prometheus metrics on a listener of their own. A scrape needs no sign-in
// and no Host of the app's, gets counts that follow what the server does (terminals by state, runs
// started and ended, bytes both ways, sockets), never a name, and nothing but /metrics is there.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamClient, openExec, sessionState, startTestApp, type TestApp } from './support.ts';
import { send } from './auth-support.ts';
import { waitFor } from '../support/wait.ts';

async function scrape(app: TestApp): Promise<Map<string, number>> {
  const url = new URL(app.metricsUrl!);
  const answer = await send(Number(url.port), '/metrics', { headers: { Host: '10.9.8.7:9464' } });
  assert.is(answer.status, 200);
  assert.is(answer.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of answer.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

test('a scrape follows a terminal: listed by state, its run started and ended, its bytes counted, the socket', async () => {
  const app = await startTestApp({ metrics: { host: '127.0.0.1', port: 0 } });
  try {
    assert.match(app.metricsUrl!, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const before = await scrape(app);
    assert.is(before.get('octant_exec_terminals{state="interactive"}'), 0);
    assert.is(before.get('octant_exec_runs_started_total'), 0);
    assert.is(before.get('octant_exec_page_sockets'), 0);
    assert.is(before.get('octant_exec_event_log_writable'), 1);
    assert.ok(before.get('process_resident_memory_bytes')! > 0);
    assert.ok(before.has('octant_exec_event_loop_delay_seconds_bucket{le="+Inf"}'));

    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const tab = await StreamClient.open(app);
    await tab.attach(id);
    tab.type(id, 'echo metric-$((6*7))\r');
    await tab.waitForText(id, /metric-42\r\n/);
    const running = await scrape(app);
    assert.is(running.get('octant_exec_terminals{state="interactive"}'), 1);
    assert.is(running.get('octant_exec_runs_started_total'), 1);
    assert.is(running.get('octant_exec_page_sockets'), 1);
    assert.ok(running.get('octant_exec_output_bytes_total')! >= 'metric-42\r\n'.length, 'output counted');
    assert.ok(running.get('octant_exec_input_bytes_total')! >= 'echo metric-$((6*7))\r'.length, 'input counted');

    tab.type(id, 'exit 3\r');
    await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the shell exits');
    const ended = await scrape(app);
    assert.is(ended.get('octant_exec_terminals{state="interactive"}'), 0);
    assert.is(ended.get('octant_exec_terminals{state="exited"}'), 1);
    assert.is(ended.get('octant_exec_runs_ended_total{how="exited"}'), 1);
    // only counts: nothing names the pod, the container, the command or who ran it
    const body = (await send(Number(new URL(app.metricsUrl!).port), '/metrics')).body;
    for (const name of ['web', 'nginx', 'metric', 'sh"']) assert.not.ok(body.includes(name), name);
    await tab.close();
  } finally {
    await app.close();
  }
});

test('the metrics port has /metrics alone, GET and HEAD; the app port has no /metrics', async () => {
  const app = await startTestApp({ metrics: { host: '127.0.0.1', port: 0 } });
  try {
    const port = Number(new URL(app.metricsUrl!).port);
    assert.is((await send(port, '/api/v1/info')).status, 404);
    assert.is((await send(port, '/')).status, 404);
    const post = await send(port, '/metrics', { method: 'POST', body: '' });
    assert.equal([post.status, post.headers.allow], [405, 'GET, HEAD']);
    assert.equal([(await send(port, '/metrics', { method: 'HEAD' })).body], ['']);
    assert.is((await send(port, '/metrics?name[]=x')).status, 200, 'a query is ignored, as scrapers may add one');
    assert.not.equal((await send(app.port, '/metrics', { headers: { Authorization: `Bearer ${app.token}` } })).status, 200);
  } finally {
    await app.close();
  }
  // closed with the app: nothing listens there any more
  const gone = await send(Number(new URL(app.metricsUrl!).port), '/metrics').catch(() => undefined);
  assert.is(gone, undefined);
});

test('a metrics port in use stops the start, saying so, and leaves nothing running', async () => {
  const first = await startTestApp({ metrics: { host: '127.0.0.1', port: 0 } });
  try {
    const taken = Number(new URL(first.metricsUrl!).port);
    let error: Error | undefined;
    // a state directory of the test's own: a start that fails has no close to remove it
    const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-metrics-test-'));
    try {
      await startTestApp({ stateDir, metrics: { host: '127.0.0.1', port: taken } }).then((app) => app.close(), (e: Error) => (error = e));
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
    assert.match(String(error?.message), /cannot serve metrics at 127\.0\.0\.1:\d+ \(.*EADDRINUSE.*\): another program listens there: give --metrics-address another port/);
  } finally {
    await first.close();
  }
});

test.run();
