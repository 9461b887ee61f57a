// Finds argv[0] inside a container's image, never on the host: a bare name is looked up in the
// container's bin directory only; an absolute path counts when it names a program the image
// has in one of the usual binary directories (`/bin/sh`, `/usr/bin/env`) or points into the
// bin directory itself. Anything else is "not found", worded like runc words it.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const IMAGE_BIN_DIRS = new Set(['/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin', '/usr/local/sbin']);

export type Resolution = { path: string } | { notFound: string };

export function resolveCommand(argv0: string, binDir: string): Resolution {
  if (!argv0.includes('/')) {
    const path = join(binDir, argv0);
    return argv0 && existsSync(path) ? { path } : { notFound: `exec: "${argv0}": executable file not found in $PATH` };
  }
  const name = basename(argv0);
  const inImageDir = IMAGE_BIN_DIRS.has(dirname(argv0)) || dirname(argv0) === binDir;
  const path = join(binDir, name);
  if (inImageDir && name && existsSync(path)) return { path };
  return { notFound: `exec: "${argv0}": stat ${argv0}: no such file or directory` };
}
