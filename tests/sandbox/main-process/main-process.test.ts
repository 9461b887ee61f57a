// A container's main process, in both runtimes: it runs when the pod starts, and when it ends the
// pod's status says terminated with its exit code (a MODIFIED watch event), and exec is refused as
// the kubelet refuses a stopped container. A command that is not in the image never starts.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { apiRequest, startTestSandbox } from '../../support/sandbox.ts';
import { waitFor } from '../../support/wait.ts';
import { openExec, runExec } from '../../support/sandbox-exec-client.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { mainProcessFixture } from './fixture.ts';

/** Processes on this machine whose command line holds the marker. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false; // gone while we looked
    }
  }).map(Number);
}

type Status = { name: string; ready: boolean; state: Record<string, Record<string, unknown>> };
type Pod = { metadata: { resourceVersion: string }; status: { containerStatuses: Status[]; conditions: { type: string; status: string }[] } };

for (const isolation of ['bubblewrap', 'none'] as const) {
  const test = suite(`main process (${isolation})`);
  const marker = `doomed-${isolation}-${process.pid}`;
  const sandbox = await startTestSandbox({ fixture: mainProcessFixture(marker), isolation });
  test.after(() => sandbox.close());

  const pod = async (name: string): Promise<Pod> => JSON.parse((await apiRequest(sandbox, `/api/v1/namespaces/demo/pods/${name}`)).body);
  const terminated = (p: Pod, container: string) => p.status.containerStatuses.find((s) => s.name === container)?.state.terminated;

  test('a main process that ends: terminated with its exit code, not ready, and a MODIFIED event', async () => {
    const ended = await waitFor(async () => terminated(await pod('exits'), 'job'), 'the job container to terminate');
    assert.is(ended.exitCode, 3);
    assert.is(ended.reason, 'Error');
    assert.ok(Date.parse(ended.finishedAt as string) >= Date.parse(ended.startedAt as string));
    const now = await pod('exits');
    assert.is(now.status.containerStatuses[0].ready, false);
    assert.is(now.status.conditions.find((c) => c.type === 'Ready')?.status, 'False');
    // From the first resourceVersion, the watch replays what happened since: the MODIFIED event.
    const events = (await apiRequest(sandbox, '/api/v1/namespaces/demo/pods?watch=true&resourceVersion=1&timeoutSeconds=1')).body.trim().split('\n').map((line) => JSON.parse(line));
    const modified = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'exits');
    assert.ok(modified, 'a MODIFIED event for the pod');
    assert.is(terminated(modified.object, 'job')?.exitCode, 3);
  });

  test('exec into a container whose main process ended is refused, as the kubelet does', async () => {
    await waitFor(async () => terminated(await pod('exits'), 'job'), 'the job container to terminate');
    const refused = await openExec(sandbox, { namespace: 'demo', pod: 'exits', command: ['sh', '-c', 'true'] }).then(
      () => undefined,
      (error: { status: number; body: string }) => error,
    );
    assert.is(refused?.status, 500);
    assert.is(refused?.body, 'container not found ("job")');
  });

  test('a command that is not in the image: the container ends with 128, StartError, and says what is missing', async () => {
    const ended = await waitFor(async () => terminated(await pod('missing'), 'app'), 'the app container to terminate');
    assert.is(ended.exitCode, 128);
    assert.is(ended.reason, 'StartError');
    assert.match(ended.message as string, /exec: "no-such-program": executable file not found in \$PATH/);
  });

  test('a main process that keeps running stays running', async () => {
    const running = (await pod('chatty')).status.containerStatuses[0];
    assert.ok(running.state.running);
    assert.is(running.ready, true);
  });

  // Only where the container has a PID namespace of its own: unisolated, kill -1 would reach every process of this user.
  if (isolation === 'bubblewrap') {
    test('kill -KILL -1 inside the container ends the main process: terminated with 137', async () => {
      await runExec(sandbox, { namespace: 'demo', pod: 'victim', command: ['sh', '-c', 'kill -KILL -1'] });
      const ended = await waitFor(async () => terminated(await pod('victim'), 'app'), 'the victim container to terminate');
      assert.is(ended.exitCode, 137);
      assert.is(ended.reason, 'Error');
    });
  }

  test('deleting the pod kills its main process', async () => {
    await waitFor(() => processesWith(marker).length > 0, 'the doomed main process to run');
    assert.ok(sandbox.deletePod('demo', 'doomed'));
    await waitFor(() => processesWith(marker).length === 0, 'the doomed main process to be gone');
  });

  test('closing the sandbox ends every main process', async () => {
    const closing = `closing-${isolation}-${process.pid}`;
    const other = await startTestSandbox({ fixture: mainProcessFixture(closing), isolation });
    await waitFor(() => processesWith(closing).length > 0, 'the main process of the second sandbox to run');
    await other.close();
    assert.equal(processesWith(closing), []);
  });

  test.run();
}
