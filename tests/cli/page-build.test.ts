// The page builds wherever the command runs from: a server started from another folder (an
// installed package's bin, a checkout run by its path) builds it from the sources beside the
// script, not from its working directory (which has no ui/).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { buildUi } from '../../scripts/build-ui.ts';
import { withTempDir } from '../support/temp-dir.ts';

test('buildUi from a working directory that has no ui/: the page, whole', () =>
  withTempDir(async (dir) => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const built = await buildUi(join(dir, 'out'), { minify: false });
      for (const file of ['index.html', 'app.js', 'app.css', 'favicon.svg']) assert.ok(existsSync(join(dir, 'out', file)), file);
      assert.match(readFileSync(join(dir, 'out', 'index.html'), 'utf8'), /<script type="module" src="\/?app\.js"/);
      assert.ok(built.gzipBytes > 0);
    } finally {
      process.chdir(before);
    }
  }));

test.run();
