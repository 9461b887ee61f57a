// Input frames (kind 0x10) from the sockets, for the data plane (data-plane.ts): who may type,
// under what rate, and where the bytes go: to the running stream (terminal-io.ts), held a little
// while its exec connects (connecting-input.ts, sent when its stream opens), or refused, saying
// why. The rate counts bytes, and each frame at least INPUT_FRAME_MIN_COST of them: a frame is
// work for the server however little it carries, and one-byte frames at the byte rate would be
// millions a second. A frame that carries nothing is no input and goes nowhere.
import type { ExecSystem } from '../runtime/exec-system.ts';
import { FrameKind, decodeFrame } from '../protocol/index.ts';
import { inputCost } from '../protocol/input-pacing.ts';
import type { StreamHubOptions } from './hub-options.ts';
import type { HubSocket } from './hub-sockets.ts';
import { refuseReadOnly, type Viewer } from './stream-viewers.ts';
import { ConnectingInput } from './connecting-input.ts';
import { droppedInput } from './input-refusals.ts';
import { beingChecked, otherHolder } from './replicas/holder-unanswered.ts';

export interface InputViewers {
  /** what `socket` shows of the session, if it shows it */
  viewer(socket: HubSocket, sessionId: string): Viewer | undefined;
  /** `viewer` typed: its keys went to the running stream (`reached`), or are held while it connects */
  typed(viewer: Viewer, reached: boolean): void;
}

/**
 * Charges `socket`'s input rate for a frame carrying `bytes`; false, the socket told, when over it.
 * Keystrokes are counted in bytes: one frame per key is what typing looks like, and a key costs the
 * floor. Here, and for a frame relayed to the replica that holds its terminal (stream-hub.ts).
 */
export function chargeInput(socket: HubSocket, bytes: number, sessionId: string, options: Required<StreamHubOptions>): boolean {
  if (socket.inputBytes.take(inputCost(bytes))) return true;
  socket.error('rateLimited', `Input arrives faster than ${options.inputBytesPerSecond} bytes a second (a frame counts as at least ${inputCost(0)}): input over it was dropped. Send it slower, in fewer frames.`, sessionId);
  return false;
}

export class SocketInput {
  readonly #connecting = new ConnectingInput<Viewer>();

  constructor(
    private readonly system: ExecSystem,
    private readonly options: Required<StreamHubOptions>,
    private readonly viewers: InputViewers,
  ) {}

  frame(socket: HubSocket, data: Uint8Array): void {
    const frame = decodeFrame(data);
    if (typeof frame === 'string') return socket.error('badMessage', frame);
    if (frame.kind !== FrameKind.Input) return socket.error('badMessage', 'Clients send only input frames (kind 16).', frame.sessionId);
    const viewer = this.viewers.viewer(socket, frame.sessionId);
    if (!viewer) return socket.error('notAttached', `Attach to ${frame.sessionId} before sending input.`, frame.sessionId);
    if (viewer.readOnly) return refuseReadOnly(viewer, this.system.sessionList.byId[viewer.sessionId]?.person?.user);
    if (!chargeInput(socket, frame.payload.length, frame.sessionId, this.options)) return;
    // nothing to send, and no typing: it would keep the terminal from its idle timeout, and cost what is held while it connects
    if (frame.payload.length === 0) return;
    if (this.system.io.input(frame.sessionId, frame.payload)) return this.viewers.typed(viewer, true);
    const dropped = this.system.io.dropsInput(frame.sessionId); // after its input ended, between two Auto attempts past what is carried, or past what may wait unsent (terminal-io.ts): refused, not held
    if (dropped) return socket.error('rateLimited', droppedInput(frame.sessionId, dropped), frame.sessionId);
    const row = this.system.sessionList.byId[frame.sessionId];
    // listed as running on another replica, which the hub relays to while it answers: not known to be lost yet (holder-unanswered.ts)
    const holder = socket.caller.via ? undefined : otherHolder(row, this.system.shared?.replica.id);
    if (holder) return socket.error('notRunning', `Session ${frame.sessionId} ${beingChecked(holder)}, and can be restarted then. What was typed now was not sent.`, frame.sessionId);
    const connecting = row?.state === 'connecting'; // typed while the exec connects: kept (a little), sent when its stream opens
    if (connecting && this.#connecting.hold(frame.sessionId, frame.payload, viewer)) return this.viewers.typed(viewer, false);
    socket.error(connecting ? 'rateLimited' : 'notRunning', droppedInput(frame.sessionId, connecting ? 'connecting' : 'notRunning'), frame.sessionId);
  }

  /** The session's stream opened: what was typed while it connected goes to it, a share's keys only if it still lets them type (not revoked, made a viewer, or gone). */
  opened(sessionId: string): void {
    for (const { bytes, by } of this.#connecting.take(sessionId)) if (!by.share || (!by.forsaken && !by.readOnly)) this.system.io.input(sessionId, bytes);
  }

  /** Its stream closed, or it was closed, before it opened: what was typed for it goes nowhere. */
  forget(sessionId: string): void {
    this.#connecting.take(sessionId);
  }
}
