// `octant-exec octant install|uninstall`: the Exec tab's plugin into Octant's plugin folder and
// out again, and how to start Octant and octant-exec so that the tab works.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkServerUrl, defaultServerUrl, pluginWithUrl } from '../../octant/plugin-file.ts';
import { builtOutput } from '../built-output.ts';
import type { ParsedArgs } from '../flags.ts';
import { packagePath, packageVersion } from '../package-files.ts';
import { UsageError } from '../usage.ts';
import type { octantSpec } from './octant-spec.ts';
import { octantPluginDirs } from './plugin-dir.ts';
import { ForeignFile, installPlugin, uninstallPlugin } from './plugin-install.ts';
import { startSteps } from './start-steps.ts';

export async function octantCommand({ values, subcommand, operands }: ParsedArgs<typeof octantSpec>): Promise<number> {
  if (operands.length) throw new UsageError(`octant ${subcommand} takes no arguments, not "${operands.join(' ').slice(0, 60)}"`);
  if (values.url !== undefined && subcommand !== 'install') throw new UsageError('--url is for install');
  const searched = octantPluginDirs();
  const dir = values.dir ?? searched[0];
  if (!dir) {
    console.error('octant-exec octant: Octant has no plugin folder here (it needs HOME, or LOCALAPPDATA on Windows): choose one with --dir');
    return 1;
  }
  try {
    return subcommand === 'install' ? await install(resolve(dir), values.url ?? defaultServerUrl, searched) : uninstall(resolve(dir));
  } catch (error) {
    if (!(error instanceof ForeignFile)) throw error;
    console.error(`octant-exec octant: ${error.message}`);
    return 1;
  }
}

async function install(dir: string, url: string, searched: string[]): Promise<number> {
  try {
    checkServerUrl(url);
  } catch (error) {
    throw new UsageError(`--url: ${(error as Error).message}`);
  }
  const built = await builtOutput<typeof import('../../../scripts/build-octant.ts')>('dist/octant/octant-exec.js', 'the Octant plugin', 'scripts/build-octant.ts', (m) => m.buildOctantPlugin(packagePath('dist/octant/octant-exec.js')));
  const { path, replaced } = installPlugin(dir, pluginWithUrl(readFileSync(built, 'utf8'), url), packageVersion());
  const octant = searched.some((d) => resolve(d) === dir) ? 'octant' : `OCTANT_PLUGIN_PATH=${dir} octant`;
  console.log(`octant-exec: ${replaced ? 'replaced' : 'wrote'} ${path} (Octant's Exec tab, reaching octant-exec at ${url})
To use it:
${startSteps(url, octant)}
Then open a Pod in Octant and choose the Exec tab. \`octant-exec octant uninstall\` removes the plugin.`);
  return 0;
}

function uninstall(dir: string): number {
  const { path, removed } = uninstallPlugin(dir);
  console.log(removed ? `octant-exec: removed ${path}` : `octant-exec: nothing to remove: there is no ${path}`);
  return 0;
}
