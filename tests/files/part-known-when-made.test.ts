// A Ctrl-C during a folder's download removes the part files being written (src/cli/cp/
// parts-on-signal.ts removes those in the extraction's `parts`). A part that was in `parts` only
// once its open() had been taken up was missed by a Ctrl-C that came between the file's making and
// that moment: CI saw the part left beside the earlier copy (cli/cp-download-end, under Deno on a
// busy machine). Here the moment is held exactly: as open() has made the part, is it known?
import * as assert from 'uvu/assert';
import { promises } from 'node:fs';
import { join } from 'node:path';
import { extractTar } from '../../src/files/safe-extract.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { suite } from '../support/test.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a part file is known to the Ctrl-C handler as soon as it exists', { deadlineMs: 30_000 });

test('when open() has made the part, the part is already in `parts`', () =>
  withTempDir(async (dir) => {
    const parts = new Set<string>();
    const seen: { path: string; known: boolean }[] = [];
    const open = promises.open;
    promises.open = (async (...args: Parameters<typeof open>) => {
      const handle = await open(...args);
      // the file exists now; a signal handled before the caller resumes sees `parts` as it is here
      if (String(args[0]).endsWith('.octant-exec-part')) seen.push({ path: String(args[0]), known: parts.has(String(args[0])) });
      return handle;
    }) as typeof open;
    try {
      const body = new TextEncoder().encode('whole\n');
      await extractTar(writeTar([{ name: 'a.txt', type: 'file', mode: 0o644, mtime: 0, size: body.length, body: (async function* () { yield body; })() }]), dir, { parts });
    } finally {
      promises.open = open;
    }
    assert.equal(seen, [{ path: join(dir, '.a.txt.octant-exec-part'), known: true }]);
    assert.equal(parts.size, 0, 'no part is left listed once it is in place');
    assert.is(await promises.readFile(join(dir, 'a.txt'), 'utf8'), 'whole\n');
  }));

test.run();
