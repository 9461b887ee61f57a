// Flat memory for any size, the small honest version of bench figure 11: 192 MiB up and 192 MiB
// down through the file routes while this process (server and sandbox both) is sampled. Nothing
// may hold the file: the body is streamed from a generator and the download is read and dropped,
// so a server that buffered would grow by about the file's size; the bound is a third of it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { startTestApp } from './support.ts';
import { filesUrl } from './files-support.ts';
import { writeTar } from '../../src/files/tar-writer.ts';

const SIZE = 192 * 2 ** 20;
const BOUND = 64 * 2 ** 20;
const app = await startTestApp();
test.after(() => app.close());

/** Runs `work` while sampling RSS every 20 ms; returns the peak growth over the RSS before it. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

/** SIZE bytes of a repeating pattern, one reused MiB at a time, and their sha256 as they go. */
function pattern(hash: ReturnType<typeof createHash>): Readable {
  const chunk = Buffer.alloc(2 ** 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < SIZE; sent += chunk.length) {
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
}

test(`${SIZE / 2 ** 20} MiB up and back grows this process by less than ${BOUND / 2 ** 20} MiB, and arrives whole`, async () => {
  const sent = createHash('sha256');
  const up = await rssGrowth(async () => {
    // fetch with a streamed body (Node's undici and Deno both send it as it is read, with backpressure)
    // as a tar, which needs no Content-Length (Deno's fetch sends a streamed body chunked)
    const tar = Readable.from(writeTar([{ name: 'flat.bin', type: 'file', mode: 0o644, mtime: 0, size: SIZE, body: pattern(sent) }]));
    const res = await fetch(filesUrl(app, 'upload', { pod: 'web', container: 'nginx', path: '/tmp' }), {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/x-tar' },
      body: Readable.toWeb(tar) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    assert.is(res.status, 201, await res.text());
  });
  const received = createHash('sha256');
  let bytes = 0;
  const down = await rssGrowth(async () => {
    const res = await fetch(filesUrl(app, 'download', { pod: 'web', container: 'nginx', path: '/tmp/flat.bin' }), { headers: { Authorization: `Bearer ${app.token}` } });
    assert.is(res.status, 200);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received.update(chunk);
      bytes += chunk.length;
    }
  });
  assert.is(bytes, SIZE);
  assert.is(received.digest('hex'), sent.digest('hex'));
  assert.ok(up < BOUND, `upload grew RSS by ${(up / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(down < BOUND, `download grew RSS by ${(down / 2 ** 20).toFixed(1)} MiB`);
});

test.run();
