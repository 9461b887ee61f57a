// The exit code of an attached process. Kubernetes' attach ends with a bare Success whatever the
// process's code (the kubelet has none to send), so the transport reports "exited 0". The code is
// in the container's status once the kubelet has seen the end: terminated with it, or, for a
// container the kubelet restarted, its lastState. This adapter reads that status when an attach
// opens (how many restarts so far) and, after a Success, again until it tells, for a few seconds
// (a kubelet relists every second); if it never does, the end stays as the transport said it.
// Every other request and every other end passes straight through.
import { alsoOnClose } from './forwarding-stream.ts';
import { within } from '../domain/within.ts';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, ExecStream } from './exec.ts';
import type { ExecTarget } from '../domain/target.ts';
import type { Person } from '../domain/person.ts';

/** One container's status, as far as its runs go. */
export interface ContainerRun {
  restarts: number;
  /** the container (containerd://…) the status is of: running now, or the last that ran */
  containerId?: string;
  /** terminated now, with this code (and the container that ended, when the kubelet says) */
  exitCode?: number;
  exitContainerId?: string;
  /** the run before the current one ended with this code (its container, when the kubelet says) */
  lastExitCode?: number;
  lastContainerId?: string;
}

export interface ContainerRuns {
  /** undefined: the pod has no status for that container (yet) */
  run(target: ExecTarget, person?: Person): Promise<ContainerRun | undefined>;
}

/** how long after the attach's end its container's status may take to tell the code */
export const EXIT_STATUS_WITHIN_MS = 5_000;
const FIRST_POLL_MS = 100;
const LONGEST_POLL_MS = 1_000;

/**
 * The code the status gives for the run that was attached to, if it gives one yet. The run is
 * known by its container's ID where the status has one: terminated now, or in lastState once the
 * kubelet restarted it or backs off (CrashLoopBackOff: waiting, the count not yet grown). Without
 * IDs, by the restart count.
 */
export function attachedRunExit(before: ContainerRun, now: ContainerRun): number | undefined {
  const attached = before.containerId;
  if (attached !== undefined) {
    if (now.exitCode !== undefined && (now.exitContainerId ?? now.containerId) === attached) return now.exitCode;
    if (now.lastExitCode !== undefined && now.lastContainerId === attached) return now.lastExitCode;
    if (now.lastContainerId !== undefined || now.exitContainerId !== undefined) return undefined; // another run's
  }
  if (now.restarts > before.restarts) return now.lastExitCode;
  return now.exitCode;
}

export class AttachExitAdapter implements ExecAdapter {
  constructor(
    private readonly transport: ExecAdapter,
    private readonly runs: ContainerRuns,
    private readonly withinMs = EXIT_STATUS_WITHIN_MS,
  ) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    if (request.mode?.kind !== 'attach') return this.transport.open(request, listener);
    const read = () => this.runs.run(request.target, request.person).catch(() => undefined);
    const before = read();
    let ended = false;
    let stopWaiting = () => {};
    const end = (how: ExecEnd) => {
      if (!ended) listener.ended(how);
      ended = true;
      stopWaiting();
    };
    const pause = (ms: number) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopWaiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const exitCode = async (): Promise<number | undefined> => {
      const deadline = Date.now() + this.withinMs;
      // every read within the bound too: an API server that takes the connection and never answers holds no end back
      const inTime = async <T>(reading: Promise<T>): Promise<T | undefined> => {
        const answer = await within(reading, deadline - Date.now());
        return answer === 'late' ? undefined : answer;
      };
      const start = await inTime(before);
      if (!start) return undefined; // nothing to compare with: the code cannot be told apart from an older run's
      for (let wait = FIRST_POLL_MS; !ended; wait = Math.min(LONGEST_POLL_MS, wait * 2)) {
        const now = await inTime(read());
        const code = now && attachedRunExit(start, now);
        if (code !== undefined || Date.now() + wait > deadline) return code;
        await pause(wait);
      }
      return undefined;
    };
    const stream = this.transport.open(request, {
      opened: (protocol, prepared) => listener.opened(protocol, prepared),
      stdout: (chunk) => listener.stdout(chunk),
      stderr: (chunk) => listener.stderr(chunk),
      ended: (how) => {
        if (how.kind !== 'exited' || how.code !== 0) return end(how);
        void exitCode().then((code) => end(code === undefined ? how : { kind: 'exited', code }));
      },
    });
    return alsoOnClose(stream, () => end({ kind: 'dropped', reason: 'closed' }));
  }
}
