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
// A file of a holder's process (its namespaces, its root) is opened through that process, never
// through its pid alone: a holder that ended is this side's until its end is heard, and its pid may
// meanwhile be another process's, another pod's say, whose namespaces an exec would then join. So
// the launcher opens /proc/PID as a directory, which stands for that one process from then on
// (files under it are gone once it ends, whatever takes the pid), checks that it is the process
// that started when the holder did (its start time), and opens the file under that directory.
//
// On stdin a command comes as a word count, then its words, each ended by a NUL: first the path of
// the terminal to run on ("-" for none), then how many holder's files to open, each as four words
// (the option that names it, the pid, the start time, the file under /proc/PID), then the command.
// The options, naming each file as /proc/LAUNCHER/fd/N, go before the command's first "--"
// (nsenter's); the command runs in a child with those fds closed, so none of them reaches what it
// runs, and this launcher keeps them open until it ends: the files stay the holder's all along.
// On a terminal the launcher, a session leader that never opened one, runs the command in a
// subshell on the terminal opened by path, so that no leader on this side takes it and the command
// can claim it (see terminal-leader.ts), and reports its status (128+N for signal N). What follows
// the command is its input.
// A holder's launcher (`endGroup`) does not become bubblewrap but waits for it, then ends its own
// process group: bubblewrap's process in the new namespaces waits for its parent's word before it
// runs, and a parent that dies first (its info pipe gone with a runtime that died mid-start) would
// leave it waiting for good, an orphan no signal reaches. It keeps a file of its run open while it
// waits (`holdOpen`, closed for bubblewrap): a later run knows by that when the earlier one's
// processes are gone (earlier-pods.ts), and a launcher whose file is gone starts nothing.
const SCRIPT = [
  'keep=$1 procs=$2 count=$3 group=$4 hold=$5; shift 5',
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; (( fd > keep )) && eval "exec $fd>&-"; done',
  // open_at FD PID START FILE: /proc/PID/FILE at FD if PID is still the process that started at START
  'open_at() {',
  '  local dir stat fields',
  '  gone="octant-exec sandbox: the container ended just as this was to join it (its process $2 is gone): run it again, and the container starts afresh"',
  '  { exec {dir}<"/proc/$2"; } 2>/dev/null || return 1',
  '  IFS= read -r stat <"/proc/self/fd/$dir/stat" && fields=(${stat##*) })',
  '  [[ ${fields[19]} == "$3" && ${fields[0]} != [ZX] ]] && { eval "exec $1<\"/proc/self/fd/\$dir/\$4\""; } 2>/dev/null',
  '  local opened=$?; exec {dir}<&-; return $opened',
  '}',
  'for (( i = 1; i <= count; i++ )); do open_at $((keep + i)) "$1" "$2" "$3" || { echo "$gone" >&2; exit 125; }; shift 3; done',
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
  '  tty=$1 pins=$2; shift 2; [[ $pins =~ ^[0-9]+$ ]] || exit 125',
  '  fd=$((keep + 1)) options=()',
  '  for (( i = 0; i < pins; i++ )); do',
  '    if ! open_at $fd "$2" "$3" "$4"; then',
  '      if [[ $tty == - ]]; then echo "$gone" >&2; else (printf \'%s\\r\\n\' "$gone" >"$tty"); fi; exit 125',
  '    fi',
  '    options+=("$1/proc/$$/fd/$fd"); fd=$((fd + 1)); shift 4',
  '  done',
  '  command=() spliced=',
  '  for word; do [[ -z $spliced && $word == -- ]] && command+=("${options[@]}") && spliced=1; command+=("$word"); done',
  '  set -- "${command[@]}"',
  // the child closes the holder's files and gets stderr back; this bash's own says nothing ("Killed" for a command killed by a signal)
  '  unpin() { exec {err}>&-; for (( i = keep + 1; i < fd; i++ )); do eval "exec $i<&-"; done; }',
  '  exec {err}>&2',
  '  if [[ $tty != - ]]; then { (unpin; exec "$@" <>"$tty" >&0 2>&0); } 2>/dev/null; exit $?; fi',
  '  if (( pins > 0 )); then { (exec 2>&$err; unpin; exec "$@"); } 2>/dev/null; exit $?; fi',
  '  exec {err}>&-',
  'fi',
  'exec "$@"',
].join('\n');

/** A file of a holder's process, /proc/PID/FILE, opened only while PID is still that process. */
export interface ProcessFile {
  pid: number;
  /** the process's start time (field 22 of /proc/PID/stat), which a process given the pid later has not */
  startTime: string;
  /** under /proc/PID: ns/user, root, … */
  file: string;
}

/** A holder's file, and the option that names it to the command (nsenter's --mount=, say). */
export interface PinnedOption {
  option: string;
  file: ProcessFile;
}

export interface LaunchOptions {
  /** the highest fd the command gets from its parent (2 for stdio only) */
  keepFds: number;
  /** holders' files to open read-only at the fds after keepFds, in order (their namespaces) */
  openFiles?: ProcessFile[];
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
  const words = files.flatMap((file) => [String(file.pid), file.startTime, file.file]);
  return [bash, '--norc', '--noprofile', '-c', SCRIPT, 'launch', String(options.keepFds), options.cgroupProcs ?? '', String(files.length), options.endGroup ? '1' : '', options.holdOpen ?? '', ...words, ...command];
}

/**
 * A command as a launcher started ahead of need reads it from its stdin, with the terminal to run
 * it on, if any, and the holder's files it names (their options go before its first "--").
 */
export function commandForStdin(command: string[], tty?: string, pinned: PinnedOption[] = []): string {
  const pins = pinned.flatMap(({ option, file }) => [option, String(file.pid), file.startTime, file.file]);
  return [String(command.length + 2 + pins.length), tty ?? '-', String(pinned.length), ...pins, ...command].map((word) => `${word}\0`).join('');
}
