// Where the page's files are: dist/ui of the package (built on demand in a checkout, and again
// when its sources have changed since: page-sources.ts).
import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import process from 'node:process';
import { builtOutput } from '../built-output.ts';
import { packagePath } from '../package-files.ts';
import { noteSources, upToDate } from './page-sources.ts';

const PAGE = 'dist/ui';
const NOTE = 'node_modules/.cache/octant-exec/ui-sources.json';
/** the two files the build copies: sources too */
const COPIED = ['ui/index.html', 'ui/favicon.svg'];

export async function pageDir(): Promise<string> {
  const index = await builtOutput<typeof import('../../../scripts/build-ui.ts')>(`${PAGE}/index.html`, 'the page', 'scripts/build-ui.ts', build, () => upToDate(packagePath(NOTE)));
  return dirname(index);
}

/**
 * Built aside, then put in place: a server already serving the old page, or a second start at the
 * same time, never finds the folder half made; a build that fails leaves the old page whole.
 */
async function build(m: typeof import('../../../scripts/build-ui.ts')): Promise<void> {
  const startedAt = Date.now();
  const [page, next, old] = [PAGE, `${PAGE}.next-${process.pid}`, `${PAGE}.old-${process.pid}`].map(packagePath);
  try {
    const built = await m.buildUi(next);
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(page, old);
    } catch {
      // none there yet, or another start moved it: either way the place is free or about to be
    }
    renameSync(next, page);
    noteSources(packagePath(NOTE), built.root, [...Object.keys(built.metafile.inputs), ...COPIED], startedAt);
  } finally {
    rmSync(next, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
