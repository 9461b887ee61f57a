// How the bubblewrap runtime starts anything on this machine (holders and execs alike): a short
// bash script first closes every fd it was not meant to get, opens the namespace files the command
// needs at the next fds, joins the pod's cgroup when there is one, then becomes the command.
//
// Closing matters because node-pty leaves each terminal's master and slave open across exec (it
// sets no close-on-exec), so every new process would otherwise hold every other terminal's master:
// another pod's output and input, and, where octant-exec runs as root, an fd on this machine's
// /dev/ptmx that root in a container could chmod. Neither Node nor Deno can set close-on-exec on
// an fd, and dash cannot name an fd above 9: hence bash.
//
// Namespace files are opened here rather than handed over by Node: Deno closes an fd it is given
// for a child's stdio. A process can only put itself (and so all it will fork) into a cgroup before
// it starts anything, and this is the one moment that is true. Arguments are passed as such; the
// only text put into an eval is an fd number.
const SCRIPT = [
  'keep=$1 procs=$2 count=$3; shift 3',
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; (( fd > keep )) && eval "exec $fd>&-"; done',
  'for (( i = 1; i <= count; i++ )); do eval "exec $((keep + i))<\"\\$1\""; shift; done',
  '[[ -z $procs ]] || echo $$ >> "$procs" || exit 125',
  'exec "$@"',
].join('\n');

export interface LaunchOptions {
  /** the highest fd the command gets from its parent (2 for stdio only) */
  keepFds: number;
  /** files to open read-only at the fds after keepFds, in order (/proc/PID/ns/user, …) */
  openFiles?: string[];
  /** cgroup.procs of the pod's cgroup, when its process limit is a cgroup */
  cgroupProcs?: string;
}

export function launching(bash: string, options: LaunchOptions, command: string[]): string[] {
  const files = options.openFiles ?? [];
  return [bash, '-c', SCRIPT, 'launch', String(options.keepFds), options.cgroupProcs ?? '', String(files.length), ...files, ...command];
}
