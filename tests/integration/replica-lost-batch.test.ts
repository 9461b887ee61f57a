// A batch running on a replica that is SIGKILLed, with the real things (two replicas as programs
// on PostgreSQL, the sandbox as the cluster): once the killed replica's lease runs out, the other
// lists the batch done (its run disconnected, replicaLost; what it had queued not started), where
// it once stayed running for ever, and a cancel there answers it as it is.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { BatchRow } from '../../src/events/projections/batches.ts';
import { startReplicaPrograms, type ReplicaPrograms } from '../support/replica-programs.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a batch on a replica that is killed', { deadlineMs: 180_000 });

test('ends on the other replica once the lease runs out: its run disconnected, the rest not started', async () => {
  let programs: ReplicaPrograms | undefined;
  try {
    programs = await startReplicaPrograms(2);
    const { api } = programs;
    const [killed, other] = programs.replicas;
    const started = await api(killed.url, '/api/v1/batches', 'POST', { namespace: 'batch', pods: ['worker-0', 'worker-1', 'worker-2'], container: 'main', command: { argv: ['sleep', '600'] }, concurrency: 1 });
    assert.is(started.status, 201, JSON.stringify(started.json));
    const { batchId } = started.json as { batchId: string };
    const batch = async (): Promise<BatchRow> => (await api(other.url, `/api/v1/batches/${batchId}`)).json.batch;
    await waitFor(async () => (await batch())?.results.some((r) => r.state === 'running'), 'the first run going, as the other replica lists it');

    killed.signal('SIGKILL');
    const ended = await waitFor(async () => {
      const row = await batch();
      return row.state === 'done' && row;
    }, 'the other replica lists the batch done', 40_000);
    assert.is(ended.replica, killed.id);
    assert.is(ended.stopped?.because, 'replicaLost');
    assert.equal(ended.totals, { succeeded: 0, failed: 1, skipped: 0, notStarted: 2, cancelled: 0 });
    const [run, ...rest] = ended.results;
    assert.is(run.state, 'disconnected');
    assert.is(run.reason, `replica ${killed.id} (${killed.url}) stopped answering`);
    assert.equal(rest.map((r) => r.state), ['notStarted', 'notStarted']);
    const listed = (await api(other.url, '/api/v1/batches')).json.batches as BatchRow[];
    assert.equal(listed.find((row) => row.batchId === batchId), ended, 'the list says the same');

    const cancel = await api(other.url, `/api/v1/batches/${batchId}/cancel`, 'POST', {});
    assert.is(cancel.status, 200, JSON.stringify(cancel.json));
    assert.equal(cancel.json.batch, ended, 'a done batch is answered as it is');
  } finally {
    await programs?.close();
  }
});

test.run();
