// Runs one accepted exec: waits for the container runtime to say how to start argv in the
// container (or why it cannot), starts the process (pipes or PTY), and wires it to the
// transport's channels until it ends with a status.
import type { TerminalSize } from '../../domain/target.ts';
import type { ExecChannels } from '../transports/exec-channels.ts';
import type { ExecRequest } from './exec-request.ts';
import type { ExecPreparation } from '../containers/container-runtime.ts';
import { execExitCode, execInternalError } from '../api/kube-status.ts';
import type { ExecProcesses } from '../processes/exec-processes.ts';
import type { RunningProcess } from '../processes/running-process.ts';
import { spawnOnPipes } from '../processes/pipe-process.ts';
import { DEFAULT_SIZE, spawnOnPty, TERMINAL_ENV } from '../processes/pty-process.ts';
import { randomBytes } from 'node:crypto';
import { StdinFlow } from './stdin-flow.ts';

/** kubectl sends the terminal size right after connecting; wait that long before starting at 80x24. */
const FIRST_RESIZE_WAIT_MS = 1000;

export interface ExecHooks {
  sessions: ExecProcesses;
  /** called once per process actually started */
  onStarted(proc: RunningProcess): void;
  /** called when the exec is over, whichever way */
  onEnded(proc: RunningProcess | undefined): void;
  /** after each stdin chunk: the input bytes the exec holds that its process has not taken, and whether it stopped reading the client */
  onStdinHeld(bytes: number, paused: boolean): void;
}

/** `preparation` is already under way (a pod's sandbox may still be starting): input and sizes wait for it. */
export async function runExec(request: ExecRequest, preparation: Promise<ExecPreparation>, channels: ExecChannels, hooks: ExecHooks): Promise<void> {
  let gone = false;
  let proc: RunningProcess | undefined;
  const pendingResizes: TerminalSize[] = [];
  // Input can arrive before the process exists (kubectl pipes stdin at once, and a TTY exec
  // waits for its first size): kept, bounded, until the process takes it.
  const stdin = new StdinFlow(channels, hooks.onStdinHeld);
  let firstResize: (() => void) | undefined;
  channels.onResize((size) => {
    if (proc) proc.resize(size);
    else pendingResizes.push(size);
    firstResize?.();
  });
  channels.onClientGone(() => {
    gone = true;
    firstResize?.();
    proc?.end();
  });

  let prepared: ExecPreparation;
  try {
    prepared = await preparation;
  } catch (error) {
    channels.finish(execInternalError(`error executing command in container: failed to start the container: ${(error as Error).message}`));
    hooks.onEnded(undefined);
    return;
  }
  if ('notFound' in prepared) {
    channels.finish(commandNotFound(prepared.notFound));
    hooks.onEnded(undefined);
    return;
  }

  if (request.tty && pendingResizes.length === 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_RESIZE_WAIT_MS);
      firstResize = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    firstResize = undefined;
  }
  if (gone) {
    hooks.onEnded(undefined);
    return;
  }

  const { launch } = prepared;
  const output = {
    stdout: (chunk: Uint8Array) => void (channels.stdout(chunk) || proc?.pauseOutput()),
    stderr: (chunk: Uint8Array) => void (channels.stderr(chunk) || proc?.pauseOutput()),
  };
  const startSize = pendingResizes.length;
  try {
    proc = request.tty
      ? await spawnOnPty(launch, pendingResizes.at(-1) ?? DEFAULT_SIZE, TERMINAL_ENV, output)
      : spawnOnPipes(launch, request, output);
  } catch (error) {
    channels.finish(execInternalError(`error executing command in container: ${(error as Error).message}`));
    hooks.onEnded(undefined);
    return;
  }
  const running = proc;
  hooks.sessions.add(running);
  hooks.onStarted(running);
  if (gone) running.end(); // the client left while the terminal was being set up
  if (pendingResizes.length > startSize) running.resize(pendingResizes.at(-1)!);
  stdin.attach(running);
  channels.onDrain(() => running.resumeOutput());
  if (!request.stdin) running.endInput();

  try {
    const code = await running.exited;
    channels.finish(execExitCode(code, request.argv));
  } catch (error) {
    channels.finish(execInternalError(`error executing command in container: ${(error as Error).message}`));
  } finally {
    running.end();
    hooks.onEnded(running);
  }
}

/** containerd's wording when runc cannot find the executable (the InternalError form). */
function commandNotFound(detail: string) {
  const execId = randomBytes(32).toString('hex');
  return execInternalError(
    `error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: ${detail}: unknown`,
  );
}
