// The privileged step of every exec. nsenter joins the pod's user namespace, and the kernel gives
// a process that joins one every capability in it; they last until setpriv drops them. Whatever
// that step runs or reads inside the container must be out of the container's reach, or root
// inside gets every capability in its pod at its next exec (and, with them, remounts a read-only
// bind of this machine's /usr/lib writable). Its reach is wide: it owns its layer and the tmpfs
// bwrap makes its /dev, so it can rename a folder that holds mount points (they move with it) and
// put its own in its place, replace the /lib64 link to the loader, or write /etc/ld.so.preload and
// /etc/ld.so.cache, which the loader reads for any program.
//
// So the helpers sit in a read-only tmpfs of their own at /dev/.sandbox (a mount point: it cannot
// be renamed, and nothing can be added to it), with this machine's loader and library folder; the
// step runs setpriv through that loader, with its libraries from there and no cache; and
// /etc/ld.so.preload, which the loader reads whatever it is told, is an empty read-only file on a
// mount point /etc. (pause, the holder's main process, is started by bwrap without capabilities.)
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { elfInterpreter } from './elf-file.ts';
import type { IsolationTools } from './host-tools.ts';
import { pauseArgs, SANDBOX_BIN } from './holder.ts';

const LOADER = `${SANDBOX_BIN}/ld.so`;
const LIBRARIES = `${SANDBOX_BIN}/lib`;

/** bwrap arguments (after --dev /dev) for /dev/.sandbox: the helpers, pause, and setpriv's loader and libraries, read-only. */
export function helperArgs(tools: IsolationTools): string[] {
  const loader = hostLoader(tools.setpriv);
  const binds = [
    ['--ro-bind', tools.setpriv, `${SANDBOX_BIN}/setpriv`],
    ['--ro-bind', tools.setsid, `${SANDBOX_BIN}/setsid`],
    ['--ro-bind', tools.env, `${SANDBOX_BIN}/env`],
    loader ? ['--ro-bind', loader, LOADER, '--ro-bind', dirname(loader), LIBRARIES] : [],
  ].flat();
  return ['--tmpfs', SANDBOX_BIN, ...binds, ...pauseArgs(tools), '--remount-ro', SANDBOX_BIN];
}

/** bwrap arguments (after the layer is bound at /) that keep /etc/ld.so.preload the empty file the layer holds. */
export function preloadArgs(layer: string): string[] {
  return ['--bind', `${layer}/etc`, '/etc', '--ro-bind', `${layer}/etc/ld.so.preload`, '/etc/ld.so.preload'];
}

/** How to start setpriv in the container: through the loader and libraries in /dev/.sandbox when it is linked dynamically. */
export function setprivCommand(tools: IsolationTools): string[] {
  const loader = hostLoader(tools.setpriv);
  if (!loader) return [`${SANDBOX_BIN}/setpriv`];
  return [LOADER, ...loaderOptions(loader, LIBRARIES), `${SANDBOX_BIN}/setpriv`];
}

/** How the step runs the loader: its libraries from `folder` alone, and no cache. */
export function loaderOptions(loader: string, folder: string): string[] {
  // musl's loader knows no cache and reads no preload file; glibc's needs --inhibit-cache to leave /etc/ld.so.cache alone.
  const glibc = !/ld-musl/.test(loader);
  return [...(glibc ? ['--inhibit-cache'] : []), '--library-path', folder];
}

const loaders = new Map<string, string | undefined>();

/** This machine's file for the program's ELF interpreter (PT_INTERP), or undefined for a static program. */
export function hostLoader(program: string): string | undefined {
  if (!loaders.has(program)) {
    const named = elfInterpreter(program);
    loaders.set(program, named === undefined ? undefined : realpathSync(named));
  }
  return loaders.get(program);
}
