// The octant-exec package's own files, found from this module: it sits in src/cli/ of a checkout
// and in dist/cli/ of the built package (scripts/build-cli.ts writes every output file there), so
// two folders up is the package's root either way.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

/** Running the TypeScript sources (npm start, the tests), not the built package. */
export const runningFromSource = import.meta.url.endsWith('.ts');

export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, root));
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
