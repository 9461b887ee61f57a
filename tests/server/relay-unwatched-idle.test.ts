// A terminal held by replica A and watched from a page on replica B through the relay: the relay's
// link is a viewer on A, so the terminal's output keeps it from its idle timeout there, as a page
// of A's own would; once the page on B goes (and its link with it), it times out as one nobody
// watches does, alert and audit record with it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec, sessionState, type TestApp } from './support.ts';
import { withTwoReplicas } from './replica-pair.ts';

const test = suite('replicas: output watched through the relay', { deadlineMs: 180_000 });

/** a line every 100 ms (at least: each turn sleeps that long), numbered */
const TICKING = { argv: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done'] };

const state = async (app: TestApp, id: string) => (await sessionState(app, id))?.state;

test("a terminal on A watched from B runs on while one nobody watches times out; without its page it times out too", () =>
  withTwoReplicas(async (a, b, pages) => {
    const exec = async (idleTimeoutSeconds: number) => (await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: TICKING, idleTimeoutSeconds }))[0];
    const unwatched = await exec(3);
    // its timeout runs until the page on B attaches (output nobody watches is no activity): long
    // enough for that on a loaded machine (with 3 s, CI's sandbox had not even printed by then)
    const watched = await exec(10);
    await waitFor(async () => (await state(b, watched)) !== undefined, 'B lists the terminal');
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(watched, { from: 0, ack: true });
    await page.waitForText(watched, /tick-1\r?\n/);
    assert.is(a.hub.stats(watched)?.viewers.length, 1, 'the relay is a viewer on the holder');

    await waitFor(async () => (await state(a, unwatched)) === 'timedOut', 'the terminal nobody watches to time out', 20_000);
    // two hundred lines a tenth of a second apart at least: far past the idle timeout, each watched from B
    await page.waitForText(watched, /tick-200\r?\n/, 90_000);
    assert.is(await state(a, watched), 'interactive', 'watched through the relay: its output is activity');

    await page.close();
    await waitFor(() => a.hub.stats(watched)?.viewers.length === 0, 'the relay link leaves with the page');
    await waitFor(async () => (await state(a, watched)) === 'timedOut', 'the terminal no page watches any more to time out', 20_000);
    const audit = await call(a, '/api/v1/audit');
    assert.equal(audit.json.records.find((r: { sessionId?: string }) => r.sessionId === watched).outcome, { kind: 'timedOut' });
    const alerted = async () => (await call(b, '/api/v1/alerts')).json.alerts.some((alert: { sessionId: string; kind: string }) => alert.sessionId === watched && alert.kind === 'timedOut');
    await waitFor(alerted, 'B shows the alert too');
  }));

test.run();
