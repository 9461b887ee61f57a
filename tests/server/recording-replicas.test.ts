// Recordings with replicas on the real PostgreSQL (issue 21): a terminal opened to be recorded
// (the Exec dialog's Record switch: its wish comes back from the shared log after its stream may
// have opened) is recorded from its first byte on one replica and plays from the other, its output events the very bytes the terminal printed, with the same
// access rules; a recording whose rows are gone is a 410 saying so, on any replica.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../src/events/postgres/pg-store.ts';
import { openPostgresRecordings } from '../../src/server/shared-log.ts';
import type { AuditRecord } from '../../src/protocol/index.ts';
import { onFreePort } from '../support/free-port.ts';
import { startCluster } from '../support/postgres.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec, startTestApp, type TestApp } from './support.ts';

const test = suite('recordings played from any replica', { deadlineMs: 120_000 });

async function replica(url: string, kubeconfig: string): Promise<TestApp> {
  return onFreePort((port) =>
    startTestApp({ sandbox: false, kubeconfig, port, sharedLog: { advertise: `http://127.0.0.1:${port}`, open: (at, warn) => PgStore.open({ url, advertise: at, warn }), recordings: (replica) => openPostgresRecordings(url, replica) } }),
  );
}

/** the output events of a cast, joined: what the terminal printed */
function printed(cast: string): string {
  const [, ...events] = cast.trimEnd().split('\n').map((line) => JSON.parse(line));
  return events.filter((event) => event[1] === 'o').map((event) => event[2]).join('');
}

test('recorded through one replica, played through the other: the bytes the terminal printed; gone rows are a 410 everywhere', async () => {
  const [cluster, sandbox] = await Promise.all([startCluster(), startTestSandbox()]);
  const url = await cluster.createDatabase();
  const [a, b] = await Promise.all([replica(url, sandbox.kubeconfigPath), replica(url, sandbox.kubeconfigPath)]);
  const pages: StreamClient[] = [];
  try {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' }, record: true });
    const page = await StreamClient.open(a);
    pages.push(page);
    await page.attach(id, { from: 0 });
    page.type(id, 'echo recorded-$((6*7)); printf "\\033[31mred\\033[0m\\n"\n');
    await page.waitForText(id, 'recorded-42');
    await page.waitForText(id, /red[\s\S]*[#$] $/);
    assert.is((await call(a, `/api/v1/sessions/${id}/close`, { method: 'POST', body: {} })).status, 200);
    const audit = async (app: TestApp) => ((await call(app, '/api/v1/audit')).json.records as AuditRecord[]).find((r) => r.sessionId === id && r.recording?.stopped);
    const record = await waitFor(() => audit(b), 'the recording stopped, in the other replica\'s audit trail', 15_000);

    const played = await call(b, `/api/v1/sessions/${id}/recording?run=1`);
    assert.is(played.status, 200, played.body);
    assert.is(played.headers['content-type'], 'application/x-asciicast');
    assert.is(played.headers['x-recording-damaged'], undefined);
    assert.is(printed(played.body), page.text(id), 'the cast holds what the terminal printed, from its first byte, byte for byte');
    assert.is(Buffer.byteLength(played.body), record.recording!.bytes);
    // compressed at rest once the run ended (sent as stored to a client that takes gzip), it plays the same
    await waitFor(async () => (await call(b, `/api/v1/sessions/${id}/recording?run=1`, { headers: { 'Accept-Encoding': 'gzip' } })).headers['content-encoding'] === 'gzip', 'the recording compressed', 10_000);
    assert.is((await call(b, `/api/v1/sessions/${id}/recording?run=1`)).body, played.body);

    // the same access rules: no credentials, nothing
    assert.is((await call(b, `/api/v1/sessions/${id}/recording?run=1`, { token: null })).status, 401);

    await cluster.admin(new URL(url).pathname.slice(1), 'DELETE FROM recordings');
    for (const app of [a, b]) {
      const gone = await call(app, `/api/v1/sessions/${id}/recording?run=1`);
      assert.is(gone.status, 410);
      assert.match(gone.json.error.message, 'is gone from the server (retention removed it');
    }
  } finally {
    for (const page of pages) await page.close();
    await b.close();
    await a.close();
    await sandbox.close();
    await cluster.remove();
  }
});

test.run();
