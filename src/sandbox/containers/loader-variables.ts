// The unisolated runtime's containers are processes of this machine, and a pod's env is its
// author's to choose. Its command can only be one of the image's programs; a shell-less image's
// pod could still run any code here through the variables that make glibc's loader, or glibc,
// load a library or run a program it names (LD_PRELOAD=/proc/PID/root/x.so, from a file another
// pod wrote). The unisolated runtime starts no process with one of them, and says why.
import type { ExecPreparation } from './container-runtime.ts';

/** Of the variables glibc drops for setuid programs, the ones that name code: the loader's LD_*, gconv's modules, getconf's programs. */
const isLoaderVariable = (name: string) => name.startsWith('LD_') || name === 'GCONV_PATH' || name === 'GETCONF_DIR';

export function refuseLoaderVariables(argv: string[], env: Record<string, string>): ExecPreparation | undefined {
  const found = Object.keys(env).filter(isLoaderVariable);
  if (found.length === 0) return undefined;
  return {
    notFound:
      `exec: ${JSON.stringify(argv[0] ?? '')}: the sandbox runs containers unisolated (--sandbox-unisolated), as processes of this machine, ` +
      `and starts none with ${found.join(', ')} set, which would load code from anywhere into it: remove ${found.length === 1 ? 'it' : 'them'} from the container's env, ` +
      'or start the sandbox without --sandbox-unisolated',
  };
}
