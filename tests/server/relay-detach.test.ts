// A page behind the relay that detaches a terminal another replica holds is answered `detached`,
// as on the holder (docs/api.md: `detached` is the answer to `detach`); and one that detaches and
// attaches again at once (a tab closed and opened again) gets its terminal back: the holder's
// answer to the detach must not take the new attach with it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { waitFor } from '../support/wait.ts';
import { StreamClient, type TestApp } from './support.ts';
import { shellListedByBoth, withTwoReplicas } from './replica-pair.ts';

const test = suite('replicas: detach through the relay', { deadlineMs: 90_000 });

/** Runs `body` with a shell on replica A and a page on replica B attached to it through the relay. */
function withRelayedShell(body: (a: TestApp, page: StreamClient, id: string) => Promise<void>): Promise<void> {
  return withTwoReplicas(async (a, b, pages) => {
    const id = await shellListedByBoth(a, b);
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    page.type(id, 'echo first-$((2*4))\n');
    await page.waitForText(id, 'first-8');
    await body(a, page, id);
  });
}

test('a relayed detach is answered, as on the holder', () =>
  withRelayedShell(async (a, page, id) => {
    const seen = page.messages.length;
    page.send({ type: 'detach', sessionId: id });
    const detached = await page.next('detached', (m) => m.sessionId === id, 'the answer to the detach', seen);
    assert.is(detached.reason, 'request');
    await waitFor(() => a.hub.stats(id)?.viewers.length === 0, 'the holder has let the relayed viewer go');
  }));

test('a detach then an attach at once shows the terminal again', () =>
  withRelayedShell(async (a, page, id) => {
    const seen = page.messages.length;
    page.send({ type: 'detach', sessionId: id });
    page.send({ type: 'attach', sessionId: id, from: page.received(id), ack: true });
    await page.next('attached', (m) => m.sessionId === id, 'attached again', seen);
    page.type(id, 'echo second-$((3*5))\n');
    await page.waitForText(id, 'second-15');
    assert.ok(a.hub.stats(id)?.viewers.length === 1, 'one relayed viewer on the holder');
    const order = page.messages.slice(seen).filter((m) => (m.type === 'attached' || m.type === 'detached') && m.sessionId === id).map((m) => m.type);
    assert.equal(order, ['detached', 'attached'], 'the detach answered, then the attach');
  }));

test.run();
