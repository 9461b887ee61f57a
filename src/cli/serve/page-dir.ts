// Where the page's files are: dist/ui of the package (built on demand in a checkout, and again
// when its sources have changed since: page-sources.ts).
import { dirname } from 'node:path';
import { builtOutput } from '../built-output.ts';
import { packagePath } from '../package-files.ts';
import { noteSources, upToDate } from './page-sources.ts';

const SOURCES = 'dist/ui.sources.json';
const COPIED = ['ui/index.html', 'ui/favicon.svg'];

export async function pageDir(): Promise<string> {
  const index = await builtOutput<typeof import('../../../scripts/build-ui.ts')>(
    'dist/ui/index.html',
    'the page',
    'scripts/build-ui.ts',
    // the two files the build copies are sources too
    async (m) => noteSources(packagePath(SOURCES), [...Object.keys((await m.buildUi(packagePath('dist/ui'))).metafile.inputs), ...COPIED.map(packagePath)]),
    (path) => upToDate(path, packagePath(SOURCES)),
  );
  return dirname(index);
}
