// A replica paused (SIGSTOP) past its lease and then resumed: meanwhile another replica marks its
// terminals disconnected (replicaLost) and can restart them; once it runs again it finds its
// lease gone, writes nothing more as their owner, and stops (exit 1) for its Deployment to start
// it afresh.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startReplicaPrograms, type ReplicaPrograms } from '../support/replica-programs.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('a replica paused past its lease', { deadlineMs: 180_000 });

interface Row {
  sessionId: string;
  state: string;
  replica?: string;
  disconnectReason?: string;
}

test('its terminals are ended by the other replica, and once resumed it stops without writing as their owner', async () => {
  let programs: ReplicaPrograms | undefined;
  try {
    programs = await startReplicaPrograms(2);
    const { api, cluster, database } = programs;
    const [paused, other] = programs.replicas;
    const rows = async (): Promise<Row[]> => (await api(other.url, '/api/v1/sessions')).json.sessions;
    const opened = await api(paused.url, '/api/v1/exec', 'POST', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    assert.is(opened.status, 201, JSON.stringify(opened.json));
    const [sessionId] = opened.json.sessionIds as string[];
    await waitFor(async () => (await rows()).find((r) => r.sessionId === sessionId && r.state === 'interactive'), 'the terminal live, as the other replica lists it');

    paused.signal('SIGSTOP');
    await waitFor(async () => (await rows()).find((r) => r.sessionId === sessionId && r.disconnectReason === 'replicaLost'), 'the other replica marks it disconnected', 20_000);
    const restarted = await api(other.url, `/api/v1/sessions/${sessionId}/restart`, 'POST', {});
    assert.is(restarted.status, 200, JSON.stringify(restarted.json));
    const [{ last }] = await cluster.admin<{ last: string }>(database, 'SELECT coalesce(max(seq), 0) AS last FROM entries');

    paused.signal('SIGCONT');
    const code = await withTimeout(paused.cli.exit, 30_000, 'the resumed replica to stop by itself').catch((error: Error) => {
      throw new Error(`${error.message}; it said: ${paused.cli.stderr().slice(-1500)}`);
    });
    assert.is(code, 1, paused.cli.stderr());
    assert.match(paused.cli.stderr(), /lost its lease/);
    const written = await cluster.admin<{ n: string }>(database, 'SELECT count(*) AS n FROM entries WHERE seq > $1 AND replica = $2', [last, paused.id]);
    assert.is(Number(written[0].n), 0, 'nothing written by it after it was reaped');
    const row = (await rows()).find((r) => r.sessionId === sessionId)!;
    assert.is(row.replica, other.id, 'the terminal runs on the other replica');
    assert.is(row.state, 'interactive');
    assert.ok(other.cli.child.exitCode === null, 'the other replica runs on');
  } finally {
    await programs?.close();
  }
});

test.run();
