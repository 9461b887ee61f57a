// Where the page's files are: dist/ui of the package (built on demand in a fresh checkout).
import { dirname } from 'node:path';
import { builtOutput } from '../built-output.ts';
import { packagePath } from '../package-files.ts';

export async function pageDir(): Promise<string> {
  const index = await builtOutput<typeof import('../../../scripts/build-ui.ts')>('dist/ui/index.html', 'the page', 'scripts/build-ui.ts', (m) => m.buildUi(packagePath('dist/ui')));
  return dirname(index);
}
