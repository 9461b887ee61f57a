// What a download's row in the page says (ui/state/transfer-actions.ts), against answers made here
// as the server makes them (src/protocol/download-outcome.ts's footer):
// - a folder whose entries were left out, or whose files tar found removed, is saved with a
//   warning that says so (the page said nothing: it read only "whole" or "changed N");
// - a download past BIG_DOWNLOAD says while it runs that the browser holds it until it is saved,
//   and that octant-exec cp writes such a file to disk as it comes (docs/ui.md gives the limit).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { footer, OUTCOME_HEADER, SIZE_HEADER } from '../../src/protocol/download-outcome.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import { Store } from '../../ui/state/store.ts';
import { BIG_DOWNLOAD, TransferActions } from '../../ui/state/transfer-actions.ts';
import type { Transfer } from '../../ui/state/transfers.ts';
import type { AppState } from '../../ui/state/app-state.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('a download\'s row says what the footer said');

const row = { sessionId: 't1', target: { namespace: 'default', pod: 'web', container: 'nginx' } } as unknown as SessionRow;

function actions() {
  const store = new Store({ transfers: [] as Transfer[] } as unknown as AppState);
  const saved: { name: string; blob: Blob }[] = [];
  const transfers = new TransferActions(store, { close: async () => ({}) as never }, (name, blob) => saved.push({ name, blob }));
  return { store, saved, transfers, rows: () => (store.get() as unknown as { transfers: Transfer[] }).transfers };
}

/** Runs `body` with fetch answering `answer()` (a Response made here). */
async function withFetch(answer: () => Response, body: () => Promise<void>): Promise<void> {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => answer()) as typeof fetch;
  try {
    await body();
  } finally {
    globalThis.fetch = realFetch;
  }
}

test('a folder with entries left out and files removed: saved, and its row warns of both', async () => {
  const archive = new Uint8Array([0x1f, 0x8b, 1, 2, 3]);
  const bytes = new Uint8Array([...archive, ...footer({ changed: 0, removed: 1, skipped: 2 })]);
  const { saved, transfers, rows } = actions();
  await withFetch(
    () => new Response(bytes, { headers: { 'Content-Type': 'application/gzip', [OUTCOME_HEADER]: 'footer', 'Content-Disposition': "attachment; filename=\"d.tar.gz\"; filename*=UTF-8''d.tar.gz" } }),
    () => transfers.download(row, '/tmp/d'),
  );
  assert.is(saved.length, 1);
  assert.equal([...new Uint8Array(await saved[0].blob.arrayBuffer())], [...archive], 'the archive alone');
  const [done] = rows();
  assert.is(done.state, 'done', done.message);
  assert.is(done.warning, '1 file was removed in the container while tar read the folder, and is not in the copy. 2 entries were left out of the copy: hard links, symlinks that point outside the folder, or names that are not UTF-8 (octant-exec cp says the same; copy such files one by one).');
});

test('a download past BIG_DOWNLOAD says, while it runs, that octant-exec cp suits it', async () => {
  let stall!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (stall = controller) });
  const { transfers, rows } = actions();
  await withFetch(
    () => new Response(body, { headers: { 'Content-Type': 'application/octet-stream', [OUTCOME_HEADER]: 'footer', [SIZE_HEADER]: String(BIG_DOWNLOAD + 1) } }),
    async () => {
      const running = transfers.download(row, '/data/big.bin');
      stall.enqueue(new Uint8Array(1024));
      const [row0] = await waitFor(() => rows()[0]?.note !== undefined && rows(), 'the note');
      assert.is(row0.state, 'running');
      assert.is(row0.note, 'The browser holds a download until it is saved: for files this big, octant-exec cp -c nginx default/web:/data/big.bin . writes it to disk as it comes.');
      transfers.cancel(row0.id);
      stall.error(new Error('cancelled'));
      await running;
    },
  );
  assert.is(rows()[0].state, 'cancelled');
});

test.run();
