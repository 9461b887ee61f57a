// A non-TTY exec: stdout and stderr on separate pipes, stdin a pipe that is closed on EOF. Streams
// the client did not ask for are closed (stdin) or read and dropped (stdout, stderr).
import { exitCodeOf, type ExecLaunch, type ProcessOutput, type RunningProcess } from './running-process.ts';
import { killGroup } from './exec-processes.ts';

export interface PipeStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export function spawnOnPipes(launch: ExecLaunch, streams: PipeStreams, output: ProcessOutput): RunningProcess {
  const child = launch.start({ kind: 'pipes' }, {});
  const pgid = child.pid ?? 0; // the launch leads its own session and process group
  let ending = false;
  child.stdout?.on('data', (chunk: Uint8Array) => streams.stdout && output.stdout(chunk));
  child.stderr?.on('data', (chunk: Uint8Array) => streams.stderr && output.stderr(chunk));
  child.stdin?.on('error', () => {}); // EPIPE when the process stops reading: not an exec failure

  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    // Once the main process is gone, end what it left behind so the pipes close and
    // 'close' (which waits for all output) can fire.
    child.once('exit', () => killGroup(pgid));
    child.once('close', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
  return {
    pgid,
    exited,
    // The pipe's own high-water mark (16 KiB) is the bound: beyond it, write() says stop.
    write: (chunk) => child.stdin?.write(chunk) ?? true,
    onInputDrain: (listener) => void child.stdin?.on('drain', listener),
    get inputQueued() {
      return child.stdin?.writableLength ?? 0;
    },
    endInput: () => void child.stdin?.end(),
    resize: () => {},
    pauseOutput: () => {
      if (ending) return;
      child.stdout?.pause();
      child.stderr?.pause();
    },
    resumeOutput: () => {
      child.stdout?.resume();
      child.stderr?.resume();
    },
    // Without a terminal there is no job control: everything the exec starts stays in its group.
    end: () => {
      ending = true;
      killGroup(pgid);
      child.stdout?.resume();
      child.stderr?.resume();
    },
  };
}
