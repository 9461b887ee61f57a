// A holder is a bubblewrap process that makes namespaces and keeps them alive for others to join.
// Its main process is "pause": the host's cat, bound at /dev/.sandbox/pause, reading a pipe this
// side keeps open. A byte written into that pipe comes back only once bubblewrap has built the
// sandbox and started pause, which is how this side knows the namespaces are ready; and when
// this process dies the pipe closes, pause ends, and the holder goes with it.
//
// Arguments go through a pipe (bwrap --args) so that a container's `ps` shows PID 1 as
// "bwrap --args 3 -- pause", not every path of this machine that built it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { killGroup } from '../processes/exec-processes.ts';
import type { IsolationTools } from './host-tools.ts';
import { launching, type ProcessFile } from './launcher.ts';

/** Where helper programs sit inside every sandbox (a bubblewrap-made /dev, not the writable layer). */
export const SANDBOX_BIN = '/dev/.sandbox';
/** How long bubblewrap may take to build a sandbox on a busy machine. */
const READY_TIMEOUT_MS = 15_000;

export interface HolderOptions {
  /** bwrap options: everything but --args, --info-fd and the command (pause) */
  args: string[];
  /** the system-call filter (syscall-filter.ts), for bwrap --seccomp 5: written into a pipe at fd 5 */
  filter?: Uint8Array;
  /** files the holder gets as fds 6, 7…: other holders' namespaces (for bwrap --userns 6, say) */
  files?: ProcessFile[];
  /** the command that starts bwrap, having joined namespaces bwrap cannot join itself (nsenter …): its words before bwrap's */
  enter?: string[];
  /** a cgroup.procs file the holder joins before bwrap starts */
  cgroupProcs?: string;
  /** a file the holder's launcher keeps open for as long as the holder lives (launcher.ts) */
  holdOpen?: string;
}

export interface Holder {
  /** pid of the process inside the sandbox whose namespaces execs join (while alive() says it is still that process) */
  readonly nsPid: number;
  /** its start time (field 22 of /proc/PID/stat): a process given the pid after it ended has another */
  readonly startTime: string;
  /** /proc/nsPid/FILE, for a launcher to open only while nsPid is still this holder's process (launcher.ts) */
  file(name: string): ProcessFile;
  /** whether nsPid is still this holder's process, and not ended: its end may not have been heard yet */
  alive(): boolean;
  /** resolves when the holder has ended, whatever ended it */
  readonly ended: Promise<void>;
  /** ends the holder and everything in a PID namespace it made */
  stop(): void;
}

/** Puts pause where the holder finds it. */
export function pauseArgs(tools: IsolationTools): string[] {
  return ['--ro-bind', tools.cat, `${SANDBOX_BIN}/pause`, '--chdir', '/'];
}

export async function startHolder(tools: IsolationTools, options: HolderOptions): Promise<Holder> {
  // stdin, stdout, stderr, the arguments (3), the info (4) and the filter (5); the launcher opens the namespaces at 6, 7…
  const command = launching(tools.bash, { keepFds: 5, openFiles: options.files, cgroupProcs: options.cgroupProcs, endGroup: true, holdOpen: options.holdOpen }, [...(options.enter ?? []), tools.bwrap, '--args', '3', '--', 'pause']);
  const child = spawn(command[0], command.slice(1), {
    // pause finds itself on this PATH; nothing else of this process's environment goes in, nor its
    // folder: the launching bash exports PWD, which the sandbox's init keeps in its /proc/1/environ.
    env: { PATH: SANDBOX_BIN },
    cwd: '/',
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() ends bwrap, its init and pause together
  });
  const [pauseIn, pauseOut, errors, argsPipe, infoPipe, filterPipe] = child.stdio as unknown as NodeJS.ReadWriteStream[];
  let stderr = '';
  errors.setEncoding('utf8');
  errors.on('data', (text: string) => void (stderr.length < 4096 && (stderr += text)));
  let closed = false;
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void ended.then(() => (closed = true));
  // bubblewrap's first process in the sandbox (its init, the pid its info names) holds our stdio
  // pipes too, and a group kill does not always reach it (seen: init alive, bwrap and pause gone,
  // `close` never coming). Killing it takes down everything in the PID namespace it heads.
  let sandboxInit = 0;
  let initStart: string | undefined;
  const stop = () => {
    // once the launcher has exited, its group is gone (it ends it): the number may be another's
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killGroup(child.pid);
    // once closed, or once its pid names a process that started at another time, it is not ours to kill
    if (!sandboxInit || closed || processStart(sandboxInit) !== initStart) return;
    try {
      process.kill(sandboxInit, 'SIGKILL');
    } catch {
      // ESRCH: it went with the group
    }
  };

  // A launcher that fails before bwrap reads its arguments (its cgroup gone, say) resets these
  // pipes: its exit says why, and an unhandled reset would take the whole sandbox down.
  for (const pipe of [pauseIn, pauseOut, errors, argsPipe, infoPipe, filterPipe]) pipe.on('error', () => {});
  argsPipe.end(['--info-fd', '4', ...options.args].map((arg) => `${arg}\0`).join(''));
  filterPipe.end(options.filter ?? new Uint8Array()); // a few hundred bytes: the pipe holds them whole
  // bwrap writes {"child-pid": N, …} as soon as it has cloned, long before pause can answer.
  const nsPid = new Promise<number>((resolve) => {
    let info = '';
    infoPipe.setEncoding('utf8');
    infoPipe.on('data', (text: string) => {
      info += text;
      const pid = Number(/"child-pid":\s*(\d+)/.exec(info)?.[1]);
      if (!pid || sandboxInit) return;
      // read while it surely runs: bwrap has just cloned it, and it waits for bwrap's word
      initStart = processStart(pid);
      resolve((sandboxInit = pid));
    });
    infoPipe.on('end', () => resolve(0));
  });
  const answered = new Promise<void>((resolve) => pauseOut.once('data', () => resolve()));

  return new Promise<Holder>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      stop();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`bubblewrap did not start the sandbox within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const onExit = () => fail(`bubblewrap failed: ${stderr.trim().split('\n')[0] || 'it exited without a word'}`);
    child.once('error', (error) => fail(`bubblewrap could not be started: ${error.message}`));
    child.once('exit', onExit);
    void Promise.all([nsPid, answered]).then(([pid]) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      pauseOut.resume(); // whatever else comes out of pause is drained, never read
      if (!pid) return fail('bubblewrap did not say which process it started');
      const startTime = initStart;
      if (!startTime || closed || processStart(pid) !== startTime) return fail('the sandbox ended as soon as it started: the next exec starts it again');
      resolve({
        nsPid: pid,
        startTime,
        file: (name) => ({ pid, startTime, file: name }),
        alive: () => !closed && processStart(pid) === startTime,
        ended,
        stop,
      });
    });
    pauseIn.write('.');
  });
}

/** A running process's start time (field 22 of /proc/PID/stat), or undefined once it has ended (a zombie has). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3, the state: the name may hold spaces
    return /^[ZX]$/.test(fields[0]) ? undefined : fields[19];
  } catch {
    return undefined;
  }
}
