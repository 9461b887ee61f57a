// The flags of `octant-exec octant`. Plain data, loaded for --help and completion.
import type { CommandSpec } from '../flags.ts';

export const octantSpec = {
  name: 'octant',
  usage: 'octant-exec octant (install | uninstall) [options]',
  summary: "the Exec tab for Octant: install or uninstall the plugin",
  about: `Writes octant-exec's plugin (one JavaScript file, octant-exec.js) into Octant's plugin folder,
or removes the file it wrote. The folder: --dir, else the first of $OCTANT_PLUGIN_PATH, else
Octant's default ($XDG_CONFIG_HOME/octant/plugins or ~/.config/octant/plugins; on Windows
%LOCALAPPDATA%\\octant\\plugins). A file there that octant-exec did not write is never replaced
or removed.`,
  subcommands: {
    install: "writes the plugin (again, when it is octant-exec's own) and says how to start both",
    uninstall: 'removes the plugin file install wrote',
  },
  flags: {
    dir: { type: 'string', value: 'DIR', help: "the plugin folder to use instead of Octant's", completes: 'file' },
    url: { type: 'string', value: 'URL', help: 'install: where the plugin finds octant-exec (default http://127.0.0.1:7788)' },
  },
} as const satisfies CommandSpec;
