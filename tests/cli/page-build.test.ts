// The page builds wherever the command runs from: a server started from another folder (an
// installed package's bin, a checkout run by its path) builds it from the sources beside the
// script, not from its working directory (which has no ui/); and it is built again when a file it
// was built from has changed since (a git pull in a checkout).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { buildUi } from '../../scripts/build-ui.ts';
import { noteSources, upToDate } from '../../src/cli/serve/page-sources.ts';
import { withTempDir } from '../support/temp-dir.ts';

test('buildUi from a working directory that has no ui/: the page, whole, and what it read named from the checkout', () =>
  withTempDir(async (dir) => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const built = await buildUi(join(dir, 'out'), { minify: false });
      for (const file of ['index.html', 'app.js', 'app.css', 'favicon.svg']) assert.ok(existsSync(join(dir, 'out', file)), file);
      assert.match(readFileSync(join(dir, 'out', 'index.html'), 'utf8'), /<script type="module" src="\/?app\.js"/);
      assert.ok(built.gzipBytes > 0);
      assert.ok(Object.keys(built.metafile.inputs).every((input) => existsSync(join(built.root, input))), 'each input found from root, not from the working directory');
    } finally {
      process.chdir(before);
    }
  }));

test('the Octant plugin builds from a working directory that has no src/ too (`octant install` in a checkout, run from elsewhere)', () =>
  withTempDir(async (dir) => {
    // its own process: esbuild takes the working directory it resolves from when it is loaded
    const tsx = new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;
    const script = new URL('../../scripts/build-octant.ts', import.meta.url).href;
    const code = `const m = await import(${JSON.stringify(script)}); await m.buildOctantPlugin('octant-exec.js', 'http://127.0.0.1:7788');`;
    const run = spawnSync('node', ['--import', tsx, '--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.is(run.status, 0, run.stderr);
    assert.match(readFileSync(join(dir, 'octant-exec.js'), 'utf8'), /_octantPlugin/);
  }));

test('a page built from source is up to date until a file it was built from changes after the build began, or goes', () =>
  withTempDir((dir) => {
    const [list, source] = ['cache/sources.json', 'view.tsx'].map((name) => join(dir, name));
    writeFileSync(source, 'a view');
    utimesSync(source, 1000, 1000);
    assert.not.ok(upToDate(list), 'no note (npm run build made it, or an older version): build again');
    noteSources(list, dir, ['view.tsx'], 2000 * 1000);
    assert.ok(upToDate(list));
    utimesSync(source, 3000, 3000);
    assert.not.ok(upToDate(list), 'an edit, or a git pull, since the build began (one saved while it ran too)');
    utimesSync(source, 1000, 1000);
    rmSync(source);
    assert.not.ok(upToDate(list), 'a source gone');
  }));

test.run();
