// How the bubblewrap runtime starts anything on this machine (holders and execs alike): a short
// bash script first closes every fd it was not meant to get, opens the namespace files the command
// needs at the next fds, joins the pod's cgroup when there is one, then becomes the command, given
// on its command line or, for a launcher started ahead of need, read from its stdin.
//
// Closing matters because node-pty leaves each terminal's master and slave open across exec (it
// sets no close-on-exec), so every new process would otherwise hold every other terminal's master:
// another pod's output and input, and, where octant-exec runs as root, an fd on this machine's
// /dev/ptmx that root in a container could chmod. Neither Node nor Deno can set close-on-exec on
// an fd, and dash cannot name an fd above 9: hence bash.
//
// Namespace files are opened here rather than handed over by Node: Deno closes an fd it is given
// for a child's stdio. A process can only put itself (and so all it will fork) into a cgroup before
// it starts anything, and this is the one moment that is true; it is also slow (tens of ms on cgroup
// v1, a wait for an RCU grace period), which is why a pod keeps a launcher started ahead of need.
// Arguments are passed as such; the only text put into an eval is an fd number.
//
// On stdin a command comes as a word count, then its words, each ended by a NUL: first the path of
// the terminal to run on ("-" for none), then the command; what follows is the command's input.
// On a terminal the launcher, a session leader that never opened one, runs the command in a
// subshell on the terminal opened by path, so that no leader on this side takes it and the command
// can claim it (see terminal-leader.ts), and reports its status (128+N for signal N).
// A holder's launcher (`endGroup`) does not become bubblewrap but waits for it, then ends its own
// process group: bubblewrap's process in the new namespaces waits for its parent's word before it
// runs, and a parent that dies first (its info pipe gone with a runtime that died mid-start) would
// leave it waiting for good, an orphan no signal reaches. It keeps a file of its run open while it
// waits (`holdOpen`, closed for bubblewrap): a later run knows by that when the earlier one's
// processes are gone (earlier-pods.ts), and a launcher whose file is gone starts nothing.
const SCRIPT = [
  'keep=$1 procs=$2 count=$3 group=$4 hold=$5; shift 5',
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; (( fd > keep )) && eval "exec $fd>&-"; done',
  'for (( i = 1; i <= count; i++ )); do eval "exec $((keep + i))<\"\\$1\""; shift; done',
  'join() { [[ -z $procs ]] || echo $BASHPID >> "$procs" || exit 125; }',
  // a holder's launcher stays outside the pod's cgroup: only bubblewrap's processes count to its limit
  'if [[ -n $group ]]; then',
  '  [[ -z $hold ]] || exec {held}<"$hold" || exit 125',
  '  (join; [[ -z $hold ]] || exec {held}<&-; exec "$@"); status=$?; kill -KILL 0; exit $status',
  'fi',
  'join',
  'if (( $# == 0 )); then',
  "  IFS= read -r -d '' words && [[ $words =~ ^[0-9]+$ ]] || exit 125",
  "  for (( i = 0; i < words; i++ )); do IFS= read -r -d '' word || exit 125; set -- \"$@\" \"$word\"; done",
  '  tty=$1; shift',
  '  if [[ $tty != - ]]; then ("$@" <>"$tty" >&0 2>&0); exit $?; fi',
  'fi',
  'exec "$@"',
].join('\n');

export interface LaunchOptions {
  /** the highest fd the command gets from its parent (2 for stdio only) */
  keepFds: number;
  /** files to open read-only at the fds after keepFds, in order (/proc/PID/ns/user, …) */
  openFiles?: string[];
  /** cgroup.procs of the pod's cgroup, when its process limit is a cgroup */
  cgroupProcs?: string;
  /** wait for the command, then end the launcher's process group (a holder: see above); it must lead one (spawned detached) */
  endGroup?: boolean;
  /** with endGroup: a file the launcher keeps open while it waits; if it cannot, it starts nothing */
  holdOpen?: string;
}

/** The command line of a launcher; with no command, it reads one from its stdin (commandForStdin). */
export function launching(bash: string, options: LaunchOptions, command: string[] = []): string[] {
  const files = options.openFiles ?? [];
  // --norc: stdin is a socket here, and bash would take that for rshd and read ~/.bashrc.
  return [bash, '--norc', '--noprofile', '-c', SCRIPT, 'launch', String(options.keepFds), options.cgroupProcs ?? '', String(files.length), options.endGroup ? '1' : '', options.holdOpen ?? '', ...files, ...command];
}

/** A command as a launcher started ahead of need reads it from its stdin, with the terminal to run it on, if any. */
export function commandForStdin(command: string[], tty?: string): string {
  return [String(command.length + 1), tty ?? '-', ...command].map((word) => `${word}\0`).join('');
}
