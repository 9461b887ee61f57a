// Running a command on a terminal it claims for itself, from a session that must not take it (the
// unisolated runtime's way; the bubblewrap runtime's launcher does the same in bash).
//
// A session leader without a controlling terminal takes the first terminal it opens. So the exec's
// session is led by dash, which opens nothing itself and runs the command as its child on the
// terminal opened by path; the command (setsid --ctty: host or container alike) then makes the
// terminal the controlling terminal of a session of its own. That is what an exec into a
// namespace needs: with the terminal owned by a leader on this side, a shell in the container
// could neither see nor restore the terminal's process group (dash exits 2 with "Cannot set tty
// process group"). Opening by path also keeps the fd out of Node's and Deno's hands (Deno closes an
// fd it is given for a child's stdio, once per use).
//
// dash applies a command's redirections before it forks: hence the subshell, which opens the
// terminal as a process that leads nothing. "exit $?" reports the command's status (128+N for
// signal N, as a container runtime does).
const ON_TERMINAL = 'tty=$1; shift; ("$@" <>"$tty" >&0 2>&0); exit $?';

/** The command line that runs `command` on the terminal at `tty`, led by dash. */
export function onTerminal(tty: string, command: string[]): string[] {
  return ['/bin/sh', '-c', ON_TERMINAL, 'sh', tty, ...command];
}
