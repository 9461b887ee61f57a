// Where Octant looks for plugins, as Octant 0.25 decides it (pkg/plugin/loader.go): every folder
// of $OCTANT_PLUGIN_PATH, then its default folder: on Windows %LOCALAPPDATA%\octant\plugins; on
// macOS ~/.config/octant/plugins; elsewhere $XDG_CONFIG_HOME/octant/plugins, else
// ~/.config/octant/plugins. Octant has one quirk kept here: with XDG_CONFIG_HOME set, macOS looks
// in ~/octant/plugins.
import { posix, win32 } from 'node:path';
import process from 'node:process';

type Env = Record<string, string | undefined>;

/** Every folder Octant loads plugins from, in its order; install writes to the first. */
export function octantPluginDirs(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const path = platform === 'win32' ? win32 : posix;
  const listed = (env.OCTANT_PLUGIN_PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const fallback = defaultPluginDir(env, platform);
  return [...listed, ...(fallback ? [fallback] : [])];
}

/** Octant's own folder; none without HOME (LOCALAPPDATA on Windows), as in Octant. */
function defaultPluginDir(env: Env, platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return env.LOCALAPPDATA ? win32.join(env.LOCALAPPDATA, 'octant', 'plugins') : undefined;
  const home = env.HOME;
  const xdg = env.XDG_CONFIG_HOME;
  if (platform === 'darwin') return home ? posix.join(home, ...(xdg ? [] : ['.config']), 'octant', 'plugins') : undefined;
  if (xdg) return posix.join(xdg, 'octant', 'plugins');
  return home ? posix.join(home, '.config', 'octant', 'plugins') : undefined;
}
