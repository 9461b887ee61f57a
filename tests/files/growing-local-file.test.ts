// `octant-exec cp ./app.log POD:/tmp/` while the log is still written to here: its tar header
// says the size it had when it was looked at, and its bytes are read after. A file that grew or
// shrank meanwhile is refused with a sentence, as kubectl cp fails ("write too long"): sending the
// first bytes alone would give the container a file that was never on this machine, and say
// nothing of it (GNU tar sends them with a warning and exits 1; cp has no warning to give yet).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localEntries } from '../../src/files/local-entries.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a local file that changes while it is uploaded', { deadlineMs: 30_000 });

/** The tar of `path` (as `cp` uploads it), after `meanwhile` ran between looking at the file and reading it. */
async function tarAfter(path: string, meanwhile: () => void): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let ran = false;
  for await (const chunk of writeTar(localEntries(path, 'app.log'))) {
    if (!ran) meanwhile(); // the header is out: the size is taken, the bytes not read yet
    ran = true;
    chunks.push(chunk);
  }
  return chunks;
}

test('a file that grew is refused, saying so', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'line 1\n'.repeat(1000));
    let message = '';
    await tarAfter(path, () => appendFileSync(path, 'line 2\n'.repeat(1000))).catch((error: Error) => (message = error.message));
    assert.match(message, /app\.log.*more than the 7000 bytes/);
  }));

test('a file that shrank is still refused, never padded', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'line 1\n'.repeat(1000));
    let message = '';
    await tarAfter(path, () => truncateSync(path, 100)).catch((error: Error) => (message = error.message));
    assert.match(message, /ended after 100 of its 7000 bytes/);
  }));

test.run();
