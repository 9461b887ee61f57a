// Start-up's check of the privileged step (privileged-step.ts): setpriv runs there with every
// capability in the pod, through this machine's loader, with the libraries of the loader's folder
// bound beside it. A library it would take from anywhere else is looked for in the container,
// whose files are the container's to choose: a musl host keeps libcap-ng in /usr/lib and its
// loader in /lib; Nix's programs name folders of their own; a program or library naming a
// DT_RPATH has that folder searched before the one it is given. So the sandbox does not start
// isolated on such a host rather than run that step with a library a container put there.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { hasRpath } from './elf-file.ts';
import { hostLoader, loaderOptions } from './privileged-step.ts';

/** The libraries a dynamically linked program loads, as its loader finds them, run as the step runs it (absolute paths as found). */
export type LibraryLister = (loader: string, program: string) => string[];

export const listWithLoader: LibraryLister = (loader, program) => {
  // the loader lists what a program loads with --list, as ldd asks it; nothing is run
  const listing = execFileSync(loader, [...loaderOptions(loader, dirname(loader)), '--list', program], { encoding: 'utf8', env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
  return [...listing.matchAll(/(?:=> |^\s*)(\/\S+) \(0x/gm)].map((match) => match[1]);
};

/** Why setpriv's step cannot be kept out of the containers' reach on this machine, or undefined. */
export function privilegedStepProblem(setpriv: string, list: LibraryLister = listWithLoader): string | undefined {
  const loader = hostLoader(setpriv);
  if (!loader) return undefined; // linked statically: it loads nothing
  const advice = 'run the sandbox on a host whose setpriv (util-linux) loads its libraries from its loader\'s folder, as Debian\'s and Ubuntu\'s do, or start it with --sandbox-unisolated (no isolation at all)';
  let libraries: string[];
  try {
    libraries = list(loader, setpriv);
  } catch (error) {
    return `the sandbox cannot tell which libraries ${setpriv} loads (${loader} --list: ${(error as Error).message.split('\n')[0]}), and each exec runs it with every capability in its pod: ${advice}`;
  }
  const folder = dirname(loader);
  // as found, not as resolved: in the container the loader looks for the name in the folder
  const outside = libraries.filter((library) => library !== loader && dirname(library) !== folder);
  if (outside.length > 0) {
    return `${setpriv} loads ${outside.join(', ')}, outside its loader's folder ${folder}: inside a container that library would be the container's to choose, and each exec runs setpriv with every capability in its pod: ${advice}`;
  }
  const rpath = [setpriv, ...libraries.filter((library) => library !== loader)].find((file) => hasRpath(file));
  if (rpath) return `${rpath} names a DT_RPATH, searched before the loader's folder: inside a container that folder would be the container's to fill, and each exec runs setpriv with every capability in its pod: ${advice}`;
  return undefined;
}
