// One global order from several replicas: every entry any replica appends comes back to every
// replica once, in seq order, whoever wrote it and however the appends interleave.
import { suite } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { PgStore } from '../../../src/events/postgres/pg-store.ts';
import { startCluster, type PgCluster } from '../../support/postgres.ts';
import { entries, idOf, listening } from '../../support/shared-store-events.ts';
import { waitFor } from '../../support/wait.ts';

const test = suite<{ cluster: PgCluster }>('PostgreSQL store: global order', { context: {} as { cluster: PgCluster } });

test.before(async (context) => {
  context.cluster = await startCluster();
});

test.after(async ({ cluster }) => {
  await cluster?.remove();
});

test('two replicas appending at once: both get every entry once, in seq order, each writer\'s entries in its own order', async ({ cluster }) => {
  const url = await cluster.createDatabase();
  const a = await listening(await PgStore.open({ url, advertise: 'http://a:1' }));
  const b = await listening(await PgStore.open({ url, advertise: 'http://b:1' }));
  try {
    for (let round = 0; round < 20; round++) {
      a.store.append(entries('a', round * 10, 10));
      b.store.append(entries('b', round * 10, 10));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all([a.store.flushed(10_000), b.store.flushed(10_000)]);
    await waitFor(() => a.seen.delivered.length >= 400 && b.seen.delivered.length >= 400, 'both replicas to see all 400 entries');
    assert.equal(a.seen.delivered, b.seen.delivered, 'the same log, in the same order, at both');
    const seqs = a.seen.delivered.map((e) => e.seq);
    assert.equal(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
    assert.is(new Set(seqs).size, 400, 'each once');
    for (const writer of ['a', 'b']) {
      const own = a.seen.delivered.map(idOf).filter((id) => id.startsWith(`${writer}-`));
      assert.equal(own, Array.from({ length: 200 }, (_, i) => `${writer}-${i}`), `${writer}'s entries in the order it appended them`);
    }
    assert.equal(await a.store.read(0, 1_000), a.seen.delivered, 'read gives the same log');
  } finally {
    await Promise.all([a.store.close(), b.store.close()]);
  }
});

test.run();
