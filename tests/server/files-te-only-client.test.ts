// A client that sends `TE: trailers` and nothing else (octant-exec cp before the outcome was said
// after the bytes; `curl -H 'TE: trailers'`) knows the trailers of docs/api.md as they were: the
// failure's, the skipped count. It does not know X-Octant-Exec-Changed, so it must not be handed a
// file that may be torn as whole; and a single file keeps its Content-Length (that cp checks it).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { startTestApp } from './support.ts';
import { downloadWithTrailers, runIn, withLyingTar } from './files-support.ts';

const test = suite('a download to a client that sends TE: trailers alone', { deadlineMs: 180_000 });

const app = await startTestApp();
test.after(() => app.close());

const CONTENT = Buffer.from('line\n'.repeat(1000));
const tarOf = async (entries: WriteEntry[]) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar(entries)) chunks.push(chunk);
  return Buffer.concat(chunks);
};

test('a single file comes with its Content-Length, as before', async () => {
  await runIn(app, 'alpine-tools', 'tools', ['sh', '-c', 'printf hello > /tmp/te-only.txt']);
  const answer = await downloadWithTrailers(app, { pod: 'alpine-tools', path: '/tmp/te-only.txt' }, { teOnly: true });
  assert.is(answer.status, 200);
  assert.ok(answer.ended && answer.body.toString() === 'hello');
  assert.is(answer.headers['content-length'], '5');
});

test("a folder whose tar said a file changed is not ended as whole without a word it knows", async () => {
  const archive = await tarOf([
    { name: './d/', type: 'directory', mode: 0o755, mtime: 0 },
    { name: './d/f.log', type: 'file', mode: 0o644, mtime: 0, size: CONTENT.length, body: Readable.from([CONTENT]) },
  ]);
  await withLyingTar(app, 'alpine-tools', 'tools', archive, async () => {
    const answer = await downloadWithTrailers(app, { pod: 'alpine-tools', path: '/srv/d' }, { teOnly: true });
    assert.is(answer.status, 200);
    const said = answer.trailers['x-octant-exec-failure'] !== undefined;
    assert.ok(!answer.ended || said, `ended whole, trailers ${JSON.stringify(answer.trailers)}`);
  }, 1, 0, ['tar: ./d/f.log: file changed as we read it']);
});

test.run();
