// Debug actions (mode debug) before their exec: an adapter around the transport that first gets
// a debug container running (PodChanges: a running one of the same image for the same target is
// reused, else one is added), then opens the terminal's stream in it. A container added for
// this run is attached to (its main process is the shell, started for this terminal); a reused
// one gets a new shell exec'd, so two tabs never share one shell. A person who may exec but not
// attach (the attach upgrade refused with a 403: nothing started) gets a shell exec'd in the
// container just made, as a reused one would: the fallback of fallback-exec.ts, attach first,
// the input typed meanwhile replayed to the exec. A run with a command of its own
// is exec'd too, in a container whose main process is a shell: a command as the main process
// could end before the container was seen running, and its exit code and output with it. Every
// other request passes straight through. Which debug container a run used goes with `opened`, for the log.
import { alsoOnClose } from './forwarding-stream.ts';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, ExecStream } from './exec.ts';
import type { ExecFailure, FailureReason } from '../domain/target.ts';
import { ClusterError } from './cluster.ts';
import type { PodChanges } from './pod-changes.ts';
import { DeferredExecStream } from './deferred-exec.ts';
import { FallbackExecAdapter } from './kubernetes/fallback-exec.ts';
import { debugImageProblem } from '../domain/debug-images.ts';
import { shellNames } from '../domain/exec-action.ts';

/** what a debug container added for a run with its own command runs: every debug image has sh (mode-actions.ts) */
const DEBUG_CONTAINER_SHELL = ['sh'];

/** The cluster refused the attach itself (403 to its upgrade: no create pods/attach), so nothing was attached to. */
export function attachRefused(end: ExecEnd): boolean {
  return end.kind === 'failed' && end.upgradeRefused === 403;
}

/** A terminal's shell (sh, bash, …), which a new debug container can run as its main process to attach to. */
function isShell(argv: readonly string[]): boolean {
  return argv.length === 1 && (shellNames as readonly string[]).includes(argv[0]);
}

export class DebugExecAdapter implements ExecAdapter {
  constructor(
    private readonly transport: ExecAdapter,
    private readonly pods: Pick<PodChanges, 'debugContainer'>,
    /** the images allowed now: a restart of a run logged under an older list is held to this one */
    private readonly images?: readonly string[],
  ) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    const { mode } = request;
    if (mode?.kind !== 'debug') return this.transport.open(request, listener);
    const stream = new DeferredExecStream();
    let ended = false;
    const end = (how: ExecEnd) => {
      if (!ended) listener.ended(how);
      ended = true;
    };
    const refused = this.images && debugImageProblem(mode.image, this.images);
    if (refused) {
      queueMicrotask(() => end({ kind: 'failed', failure: { reason: 'forbidden', message: refused } }));
      return stream;
    }
    const attachable = isShell(request.argv);
    const command = attachable ? request.argv : DEBUG_CONTAINER_SHELL;
    this.pods.debugContainer({ target: request.target, image: mode.image, command, ...(request.person ? { person: request.person } : {}) }).then(
      ({ name, created }) => {
        if (stream.closed) return end({ kind: 'dropped', reason: 'closed' });
        const inDebugContainer: ExecRequest = { ...request, target: { ...request.target, container: name }, mode: undefined };
        const transport = created && attachable ? new FallbackExecAdapter(attachingWith(this.transport), this.transport, attachRefused) : this.transport;
        stream.begin(transport.open(inDebugContainer, { ...listener, opened: (protocol) => listener.opened(protocol, { debugContainer: name }), ended: end }));
      },
      (error: unknown) => end({ kind: 'failed', failure: preparationFailure(error) }),
    );
    return alsoOnClose(stream, () => end({ kind: 'dropped', reason: 'closed' }));
  }
}

/** `transport`, attaching to the container's main process instead of exec'ing the request's command. */
function attachingWith(transport: ExecAdapter): ExecAdapter {
  return { open: (request, listener) => transport.open({ ...request, mode: { kind: 'attach' } }, listener) };
}

const reasonByStatus: Record<number, FailureReason> = { 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 409: 'containerNotRunning', 502: 'connection', 504: 'containerNotRunning' };

/** The cluster's refusal (a ClusterError names what is missing) as the run's failure. */
function preparationFailure(error: unknown): ExecFailure {
  if (error instanceof ClusterError) return { reason: reasonByStatus[error.status] ?? 'unknown', message: error.message };
  return { reason: 'unknown', message: `The debug container could not be prepared: ${(error as Error)?.message ?? String(error)}` };
}
