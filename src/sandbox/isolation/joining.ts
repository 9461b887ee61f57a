// How processes of this machine get into a pod's namespaces: a container's holder into the pod's
// user and network namespaces, an exec into its container's. bubblewrap can join a user and a PID
// namespace itself (--userns, --pidns) but not a network namespace, so a container's bubblewrap is
// started by nsenter, in the pod's user namespace (where it is root with every capability, which
// bubblewrap, told --cap-drop ALL, drops before pause starts) and network namespace.
//
// An exec's launcher runs under the pod's system-call filter (syscall-filter.ts), which only
// bubblewrap can apply: started ahead of need, it is bash inside a bubblewrap sandbox that does
// nothing else, in the pod's user namespace (with its capabilities there, which joining the
// container's namespaces takes), this machine's PID namespace, and a copy of its mounts with
// only what it runs, /proc and /dev. What it starts inherits the filter, whatever it joins.
import type { Holder } from './holder.ts';
import type { IsolationTools } from './host-tools.ts';
import { libraryArgs } from './base-layer.ts';
import { launching, type PinnedOption } from './launcher.ts';

/** The fds a container's holder gets its filter and files at (holder.ts: the filter at 5, files from 6) */
export const HOLDER_FDS = { filter: 5, userNamespace: 6, network: 7, pids: 8 };

/**
 * The words that start a container's bubblewrap in the pod's user and network namespaces (opened
 * at HOLDER_FDS). setpriv then empties the bounding set, which bubblewrap run as root keeps whole
 * (the ambient set carries its capabilities across that exec, and --cap-drop ALL clears both).
 */
export function containerHolderEntry(tools: IsolationTools): string[] {
  const { userNamespace, network } = HOLDER_FDS;
  return [
    tools.nsenter, '--preserve-credentials', `--user=/proc/self/fd/${userNamespace}`, `--net=/proc/self/fd/${network}`, '--',
    tools.setpriv, '--inh-caps=+all', '--ambient-caps=+all', '--', tools.setpriv, '--bounding-set=-all', '--',
  ];
}

/**
 * A launcher (launcher.ts) for the pod's execs, its command to come on stdin: bash in a bubblewrap
 * sandbox under the filter, which it reads from fd 3 (a pipe its starter writes the filter into).
 */
export function execLauncher(tools: IsolationTools, userNamespace: Holder, cgroupProcs: string | undefined): string[] {
  const programs = [tools.bash, tools.prlimit, tools.nsenter].flatMap((program) => ['--ro-bind', program, program]);
  const sandbox = [
    tools.bwrap, '--seccomp', '3', '--userns', '4', '--cap-add', 'ALL',
    ...libraryArgs(), ...programs, '--dev-bind', '/dev', '/dev', '--bind', '/proc', '/proc', '--chdir', '/',
    '--', ...launching(tools.bash, { keepFds: 2 }),
  ];
  return launching(tools.bash, { keepFds: 3, openFiles: [userNamespace.file('ns/user')], cgroupProcs }, sandbox);
}

/** nsenter's options for the container's namespaces and root, each a file of its holder (launcher.ts). */
export function containerFiles(holder: Holder): PinnedOption[] {
  const files: [string, string][] = [['--mount=', 'ns/mnt'], ['--pid=', 'ns/pid'], ['--uts=', 'ns/uts'], ['--ipc=', 'ns/ipc'], ['--cgroup=', 'ns/cgroup'], ['--net=', 'ns/net'], ['--root=', 'root']];
  return files.map(([option, file]) => ({ option, file: holder.file(file) }));
}
