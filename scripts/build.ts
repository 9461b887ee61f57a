// `npm run build` (and `npm pack`, through prepack): everything a user runs, into dist/:
//   dist/cli/       the command line and the server (scripts/build-cli.ts)
//   dist/ui/        the page (scripts/build-ui.ts)
//   dist/octant/    the Octant plugin (scripts/build-octant.ts)
//   dist/THIRD-PARTY-NOTICES.txt   the licenses of the bundled packages
import { buildCli } from './build-cli.ts';
import { buildOctantPlugin } from './build-octant.ts';
import { writeThirdPartyNotices } from './third-party-notices.ts';
import { buildUi } from './build-ui.ts';

const started = performance.now();
const cli = await buildCli('dist/cli');
const ui = await buildUi('dist/ui');
const plugin = await buildOctantPlugin('dist/octant/octant-exec.js');
const packages = writeThirdPartyNotices('dist/THIRD-PARTY-NOTICES.txt', [cli, ui.metafile]);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s: cli/ (${Object.keys(cli.outputs).filter((f) => f.endsWith('.js')).length} files), ui/ (${kib(ui.gzipBytes)} gzipped), ${plugin}, notices for ${packages} bundled packages`);
