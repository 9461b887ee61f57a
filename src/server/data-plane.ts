// The stream hub's data plane: terminal bytes, never through the event log. Every session's output
// is kept in a bounded scrollback (scrollback.ts) for attach and reattach and sent to every viewer
// in order, in binary frames. Flow control: when any viewer of a session is more than the high
// watermark behind (bytes not acknowledged as drawn, or not yet written by its socket), the exec
// is not read upstream until every viewer is back under the low watermark, and keystrokes (Ctrl-C)
// still go through; input the program's stream cannot send on yet has those who type told to hold
// it (`inputHeld`, terminal-io.ts). Input frames are checked, rated and handed on in
// socket-input.ts; what is typed while a session connects is held a little, sent when its stream
// opens. In a team mode a socket attaches only to what its caller may see; an admin
// watching another's terminal is read-only. A fresh viewer may ask for the screen instead of the
// raw replay (screen.ts rebuilds it from the scrollback; live output meanwhile waits in its queue,
// so it goes on from the screen's offset exactly), or to be caught up with it when it lags. The
// scrollbacks of ended sessions are bounded all told (ended-scrollback.ts).
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { OutputChannel } from '../runtime/terminal-io.ts';
import { FrameKind, encodeFrame, type ClientMessage } from '../protocol/index.ts';
import type { StreamHubOptions } from './hub-options.ts';
import type { HubSocket } from './hub-sockets.ts';
import { Scrollback } from './scrollback.ts';
import { EndedScrollbacks } from './ended-scrollback.ts';
import { ScreenBuilder, type BuiltScreen } from './screen.ts';
import { owns, sees } from './caller.ts';
import { isTransfer } from '../domain/exec-action.ts';
import { ShareViewers } from './shares/share-viewers.ts';
import { sharedRow } from './shares/shared-row.ts';
import { acknowledge, behind, forsake, refuseReadOnly, type SessionStream, type SessionStreamStats, type Viewer } from './stream-viewers.ts';
import { CatchUps } from './catch-up.ts';
import { SocketInput } from './socket-input.ts';

/** replay is sent in frames of at most this many payload bytes */
const REPLAY_FRAME_BYTES = 64 * 1024;
/** the size a screen is rebuilt at for a terminal never resized (a PTY's default) */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

type SessionMessage = Extract<ClientMessage, { type: 'attach' | 'detach' | 'resize' | 'ack' | 'eof' }>;

export class DataPlane {
  readonly #streams = new Map<string, SessionStream>();
  /** what each socket shows, by session id */
  readonly #viewers = new Map<HubSocket, Map<string, Viewer>>();
  /** sessions spawned by this process: the others came back from the log and their output is gone */
  readonly #spawnedHere = new Set<string>();
  readonly #input: SocketInput;
  readonly #screens = new ScreenBuilder();
  readonly #stop: () => void;
  readonly #shares: ShareViewers<Viewer>;
  readonly #catchUps: CatchUps;
  readonly #ended: EndedScrollbacks;
  #closed = false;

  constructor(
    private readonly system: ExecSystem,
    private readonly options: Required<StreamHubOptions>,
  ) {
    this.#ended = new EndedScrollbacks(options.endedScrollbackBytes, options.warn);
    const unfollow = this.#ended.follow(system, (id) => this.#streams.get(id)?.scrollback);
    const stopIo = system.io.listen({
      output: (id, channel, chunk) => this.#output(id, channel, chunk),
      streamOpened: (id) => this.#streamChanged(id, 'opened'),
      streamClosed: (id) => this.#streamChanged(id, 'closed'),
      inputHeld: (id, held) => this.#streams.get(id)?.viewers.forEach((v) => v.socket.send({ type: 'inputHeld', sessionId: id, held })), // to all: a viewer may be let type
    });
    this.#stop = () => [unfollow, stopIo].forEach((stop) => stop());
    this.#shares = new ShareViewers<Viewer>(system, {
      ended: (viewer, message) => {
        this.#removeViewer(viewer);
        viewer.socket.send({ type: 'detached', sessionId: viewer.sessionId, reason: 'shareEnded', message });
      },
      roleChanged: (viewer) => {
        viewer.readOnly = viewer.share!.role === 'viewer';
        viewer.socket.send({ type: 'shareRole', sessionId: viewer.sessionId, role: viewer.share!.role });
      },
    }, Date.now, options.shareLeftAfterMs);
    this.#input = new SocketInput(system, options, {
      viewer: (socket, sessionId) => this.#viewers.get(socket)?.get(sessionId),
      typed: (viewer, reached) => {
        const stream = reached ? this.#streams.get(viewer.sessionId) : undefined;
        if (stream) stream.lastInputAt = performance.now();
        if (viewer.share) this.#shares.typed(viewer);
      },
    });
    this.#catchUps = new CatchUps(options, {
      replay: (viewer, replay) => this.#sendReplay(viewer, replay),
      screen: (viewer, stream, skippedFrom) => this.#sendScreen(viewer, stream, this.system.sessionList.byId[viewer.sessionId]?.size ?? DEFAULT_SIZE, skippedFrom),
      shown: (viewer, stream) => this.#streams.get(viewer.sessionId) === stream && stream.viewers.has(viewer),
    });
  }

  stats(sessionId: string): SessionStreamStats | undefined {
    const stream = this.#streams.get(sessionId);
    if (!stream) return undefined;
    return { scrollbackBytes: stream.scrollback.size, scrollbackBlocks: stream.scrollback.blocks, start: stream.scrollback.start, end: stream.scrollback.end, paused: stream.paused, viewers: [...stream.viewers].map((v) => v.unacked), heldForScreens: stream.heldForScreens, catchUps: stream.catchUps };
  }

  /** How many viewers `sessionId` has here now (output-counts.ts asks at each chunk of output: no copy made). */
  viewerCount(sessionId: string): number {
    return this.#streams.get(sessionId)?.viewers.size ?? 0;
  }

  /** The sockets shown `sessionId` through a share (control-plane.ts sends them its row too). */
  sharedWith(sessionId: string): Set<HubSocket> {
    return this.#shares.socketsOn(sessionId);
  }

  spawned(sessionId: string): void {
    this.#spawnedHere.add(sessionId);
  }

  /** The session is closed: its bytes are dropped and its viewers told. Whether it had a stream here. */
  closed(sessionId: string): boolean {
    const stream = this.#streams.get(sessionId);
    this.#streams.delete(sessionId);
    this.#spawnedHere.delete(sessionId);
    this.#input.forget(sessionId);
    for (const viewer of stream?.viewers ?? []) {
      this.#viewers.get(viewer.socket)?.delete(sessionId);
      this.#letGo(viewer);
      viewer.socket.send({ type: 'detached', sessionId, reason: 'closed' });
    }
    return stream !== undefined;
  }

  disconnected(socket: HubSocket): void {
    for (const viewer of this.#viewers.get(socket)?.values() ?? []) this.#removeViewer(viewer);
    this.#viewers.delete(socket);
  }

  message(socket: HubSocket, message: SessionMessage): void {
    if (message.type === 'attach') return this.#attach(socket, message);
    const { sessionId } = message;
    const viewer = this.#viewers.get(socket)?.get(sessionId);
    if (!viewer) return message.type === 'ack' ? undefined : socket.error('notAttached', `Not attached to ${sessionId}: attach first.`, sessionId); // an ack may cross a detach (and acks, free of the rate, must not buy answers)
    if (viewer.readOnly && (message.type === 'resize' || message.type === 'eof')) return refuseReadOnly(viewer, this.system.sessionList.byId[viewer.sessionId]?.person?.user);
    // a participant types, but the size is the owner's window's
    if (viewer.share && message.type === 'resize') return socket.error('readOnly', `Only the owner of ${sessionId} resizes it: your view follows their size.`, sessionId);
    switch (message.type) {
      case 'detach':
        this.#removeViewer(viewer);
        return socket.send({ type: 'detached', sessionId, reason: 'request' });
      case 'resize':
        return this.system.resize(sessionId, message.cols, message.rows);
      case 'ack': {
        acknowledge(viewer, message.bytes);
        const stream = this.#streams.get(sessionId);
        if (stream && viewer.catchUp) this.#catchUps.acked(viewer, stream);
        if (stream) this.#flow(sessionId, stream);
        return;
      }
      case 'eof':
        if (!this.system.io.closeStdin(sessionId)) return socket.error('notRunning', `Session ${sessionId} is not running.`, sessionId);
        if (viewer.share) this.#shares.typed(viewer); // ending the input (Ctrl-D at the CLI) is typing too: it can end the owner's shell
        return;
    }
  }

  /** An input frame (socket-input.ts). */
  input(socket: HubSocket, data: Uint8Array): void {
    this.#input.frame(socket, data);
  }

  close(): void {
    this.#stop();
    this.#closed = true; // a screen still being built sends nothing, and arms no catch-up timer
    for (const stream of this.#streams.values()) for (const viewer of stream.viewers) clearTimeout(viewer.catchUp?.wait);
    this.#shares.close();
  }

  #stream(sessionId: string): SessionStream {
    let stream = this.#streams.get(sessionId);
    if (!stream) {
      stream = { scrollback: new Scrollback(this.options.scrollbackBytes), viewers: new Set(), paused: false, heldForScreens: 0, catchUps: 0, lastOutputAt: 0, lastInputAt: -Infinity };
      this.#streams.set(sessionId, stream);
    }
    return stream;
  }

  #output(sessionId: string, channel: OutputChannel, chunk: Uint8Array): void {
    // Late bytes of a session already closed have nowhere to go. A terminal this process holds
    // keeps its first bytes even before a shared log has delivered its spawn to the lists.
    if (!this.#streams.has(sessionId) && !this.system.holds(sessionId) && !this.system.sessionList.byId[sessionId]) return;
    const stream = this.#stream(sessionId);
    stream.scrollback.append(chunk, channel);
    this.#ended.grew(sessionId);
    stream.lastOutputAt = performance.now();
    if (stream.viewers.size === 0) return;
    // encoded once, and only if someone gets it (under a flood every page may be behind)
    let frame: Uint8Array | undefined;
    const send = (viewer: Viewer) => this.#sendBytes(viewer, (frame ??= encodeFrame(channel === 'stderr' ? FrameKind.Stderr : FrameKind.Stdout, sessionId, chunk)), chunk.length);
    for (const viewer of stream.viewers) {
      if (viewer.catchUp) this.#catchUps.live(viewer, viewer.catchUp, chunk.length, () => send(viewer));
      else send(viewer);
    }
    this.#flow(sessionId, stream);
  }

  #sendBytes(viewer: Viewer, frame: Uint8Array, bytes: number): void {
    if (viewer.held) {
      viewer.held.push({ frame, bytes });
      viewer.unacked += bytes;
      return;
    }
    // without acks, its socket's writes are its acks; with them, what the socket holds still counts (behind(), stream-viewers.ts)
    const written = () => {
      const socketBound = viewer.unwritten > viewer.unacked; // else it changes nothing for one that acks
      viewer.unwritten -= bytes;
      if (viewer.forsaken) return viewer.socket.owedForGone(-bytes);
      if (!viewer.acks) viewer.unacked = Math.max(0, viewer.unacked - bytes);
      else if (!socketBound) return;
      const stream = this.#streams.get(viewer.sessionId);
      if (!stream) return;
      if (viewer.catchUp && stream.viewers.has(viewer)) this.#catchUps.acked(viewer, stream);
      this.#flow(viewer.sessionId, stream);
    };
    viewer.unwritten += bytes;
    if (viewer.socket.sendFrame(frame, written)) viewer.unacked += bytes;
    else viewer.unwritten -= bytes;
  }

  /** Pause the upstream when a viewer is too far behind; resume when every viewer caught up. A catch-up viewer never holds it. */
  #flow(sessionId: string, stream: SessionStream): void {
    const { highWatermark, lowWatermark } = this.options;
    let over = false;
    let under = true;
    for (const viewer of stream.viewers) {
      if (viewer.catchUp) continue;
      if (behind(viewer) > highWatermark) over = true;
      if (behind(viewer) > lowWatermark) under = false;
    }
    if (!stream.paused && over) {
      stream.paused = true;
      this.system.io.pause(sessionId);
    } else if (stream.paused && under) {
      stream.paused = false;
      this.system.io.resume(sessionId);
    }
  }

  #streamChanged(sessionId: string, state: 'opened' | 'closed'): void {
    const stream = this.#streams.get(sessionId);
    // A restart opens a new stream, which starts unpaused: keep holding it while a viewer is behind.
    if (state === 'opened' && stream?.paused) this.system.io.pause(sessionId);
    if (state === 'opened') this.#input.opened(sessionId);
    else this.#input.forget(sessionId);
    for (const viewer of stream?.viewers ?? []) viewer.socket.send({ type: 'stream', sessionId, state });
  }

  #attach(socket: HubSocket, message: Extract<SessionMessage, { type: 'attach' }>): void {
    const { sessionId, from, ack } = message;
    const row = this.system.sessionList.byId[sessionId];
    // a share lets someone watch (or type in) a terminal that is not theirs: its role decides
    const { grant: share, ended } = row && !owns(socket.caller, row.person) ? this.#shares.grant(socket.caller, sessionId) : {};
    // another person's terminal is as unknown as one that never was: its id is not confirmed (a share's link had it: why it ended is said)
    if (row && ended && !sees(socket.caller, row.person)) return socket.send({ type: 'detached', sessionId, reason: 'shareEnded', message: ended });
    if (!row || (!share && !sees(socket.caller, row.person))) return socket.error('unknownSession', `There is no open session ${sessionId}.`, sessionId);
    if (isTransfer(row.mode)) return socket.error('notATerminal', `Session ${sessionId} is a file ${row.mode.kind}: its bytes go to the HTTP request that started it, and there is nothing to show. Close it to cancel it.`, sessionId);
    const shown = this.#viewers.get(socket) ?? new Map<string, Viewer>();
    this.#viewers.set(socket, shown);
    const previous = shown.get(sessionId);
    if (previous) this.#removeViewer(previous);
    else if (shown.size >= this.options.maxAttachedPerSocket) return socket.error('tooManyAttached', `One socket can show at most ${this.options.maxAttachedPerSocket} sessions.`, sessionId);
    const stream = this.#stream(sessionId);
    const wanted = Math.min(from, stream.scrollback.end);
    const owner = owns(socket.caller, row.person);
    // Only a terminal has a screen to catch up with. Only its owner may hold a terminal back:
    // anyone else who watches it (a share, an admin) is caught up with the screen whether or not
    // they asked, their socket's writes standing for acks they do not send, or a client that
    // attached through a link and never acked (or stopped reading) would stop the owner's command
    // for as long as it liked. The owner is caught up when their page asks (it acks).
    const catchUp = row.interactive && (owner ? ack && message.catchUp === 'screen' : true) ? { catchUp: this.#catchUps.start(wanted) } : {};
    const viewer: Viewer = { socket, sessionId, unacked: 0, unwritten: 0, acks: ack, readOnly: share ? share.role === 'viewer' : !owner, ...(share ? { share } : {}), ...catchUp };
    shown.set(sessionId, viewer);
    if (share) this.#shares.attached(viewer);
    // A screen only for a terminal (a TTY) with output to draw, built from all it holds (a share's holder gets it unasked: never what the owner cleared before sharing); else its bytes as they came.
    if ((message.screen || share) && row.interactive && stream.scrollback.size > 0) return this.#sendScreen(viewer, stream, row.size ?? DEFAULT_SIZE);
    // a catch-up viewer whose missed bytes have left the scrollback (a reattach under a flood) gets the screen, not what is left of them
    if (viewer.catchUp && wanted < stream.scrollback.start) return this.#sendScreen(viewer, stream, row.size ?? DEFAULT_SIZE, wanted);
    const replay = stream.scrollback.since(wanted);
    this.#sendAttached(viewer, { from: replay.from, to: stream.scrollback.end, dropped: replay.from - wanted });
    this.#sendReplay(viewer, replay);
    if (viewer.catchUp) Object.assign(viewer.catchUp, { sentTo: stream.scrollback.end, state: 'live' });
    stream.viewers.add(viewer);
    this.#flow(sessionId, stream);
  }

  #sendReplay(viewer: Viewer, replay: ReturnType<Scrollback['since']>): void {
    let runStart = 0;
    for (const run of replay.runs) {
      this.#sendInFrames(viewer, run.channel === 'stderr' ? FrameKind.Stderr : FrameKind.Stdout, replay.bytes.subarray(runStart, runStart + run.length));
      runStart += run.length;
    }
  }

  /**
   * The screen as of offset `to`, then live output from `to` on: the viewer joins the stream at
   * once. A viewer that holds the producer has `to` fixed now and its live frames held until the
   * screen is sent (the held frames pause the producer, so the scrollback cannot run far past `to`
   * meanwhile; with a scrollback smaller than the watermark it can, and what was trimmed since the
   * attach is said in `dropped`). A catch-up viewer holds nothing: its screen is as of when the
   * build reads the scrollback, and what came since is read from there after it (`skippedFrom`:
   * where it had got to, for a catch-up; `skipped` says how far the screen jumps). Builds waiting
   * their turn hold no bytes. Should the screen fail to build, or nothing before `to` be left to
   * build it from, the bytes still held (for a catch-up: from where it had got to) go raw.
   */
  #sendScreen(viewer: Viewer, stream: SessionStream, size: { cols: number; rows: number }, skippedFrom?: number): void {
    const { catchUp } = viewer;
    let to = stream.scrollback.end;
    const startAtAttach = stream.scrollback.start;
    if (catchUp) catchUp.state = 'building';
    else viewer.held = [];
    stream.viewers.add(viewer);
    // it left, attached again, or the session was closed while the screen waited or was built
    const current = () => this.#viewers.get(viewer.socket)?.get(viewer.sessionId) === viewer && stream.viewers.has(viewer);
    /** the bytes still held from `since` up to `to`; `from` is where they start (never past `to`) */
    const upToTo = (since = 0) => {
      const held = stream.scrollback.since(since, to);
      return { from: Math.min(held.from, to), bytes: held.bytes };
    };
    let [builtFrom, readAt] = [startAtAttach, 0];
    const read = () => {
      if (catchUp) to = stream.scrollback.end;
      readAt = performance.now();
      const held = upToTo();
      builtFrom = held.from;
      return held.bytes.length > 0 ? { bytes: held.bytes, size } : undefined;
    };
    const send = (built: BuiltScreen | undefined) => {
      if (!current() || this.#closed) return;
      const held = viewer.held ?? [];
      viewer.held = undefined;
      if (built) {
        if (skippedFrom !== undefined) stream.catchUps++;
        const screenTo = to - built.rest.length; // the rest, a sequence the screen stops short of, follows it as output
        // skipped: held, drawn into the screen, not sent as bytes; what was no longer held is `dropped`
        const skipped = skippedFrom === undefined ? {} : { skipped: Math.max(0, screenTo - Math.max(skippedFrom, builtFrom)) };
        // a catch-up viewer never held the producer: what left the scrollback while its first screen waited is no news
        const dropped = catchUp && skippedFrom === undefined ? 0 : Math.max(0, builtFrom - (skippedFrom ?? startAtAttach));
        this.#sendAttached(viewer, { from: screenTo, to: screenTo, dropped, screen: built.screen.length, screenSize: size, ...skipped });
        this.#sendInFrames(viewer, FrameKind.Screen, built.screen);
        this.#sendInFrames(viewer, FrameKind.Stdout, built.rest);
      } else {
        // as a raw attach from 0 (or, for a catch-up, from where the viewer had got to) would be: what is before `from` is gone
        const wanted = skippedFrom ?? 0;
        const replay = upToTo(wanted);
        this.#sendAttached(viewer, { from: replay.from, to, dropped: replay.from - wanted });
        this.#sendInFrames(viewer, FrameKind.Stdout, replay.bytes);
      }
      for (const { frame, bytes: length } of held) {
        stream.heldForScreens += length;
        viewer.unacked -= length;
        this.#sendBytes(viewer, frame, length);
      }
      if (catchUp) this.#catchUps.screenSent(viewer, catchUp, stream, to, readAt);
      this.#flow(viewer.sessionId, stream);
    };
    this.#screens
      .build(viewer.socket, read, current)
      .then(send, () => send(undefined))
      .catch((error: unknown) => {
        // a socket that throws while sent to: this viewer gets nothing more (and never ends the server)
        console.error(`octant-exec: the screen of ${viewer.sessionId} could not be sent, so that viewer was detached: ${(error as Error)?.message ?? error}`);
        this.#removeViewer(viewer);
      });
  }

  #sendAttached(viewer: Viewer, replay: { from: number; to: number; dropped: number; screen?: number; screenSize?: { cols: number; rows: number }; skipped?: number }): void {
    const { sessionId } = viewer;
    const session = this.system.sessionList.byId[sessionId];
    if (!session) return;
    viewer.socket.send({ type: 'attached', sessionId, ...replay, restored: !this.#spawnedHere.has(sessionId), running: this.system.io.isRunning(sessionId), ...(this.system.io.isInputHeld(sessionId) ? { inputHeld: true } : {}), session: viewer.share && !sees(viewer.socket.caller, session.person) ? sharedRow(session) : session });
  }

  #sendInFrames(viewer: Viewer, kind: FrameKind, bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += REPLAY_FRAME_BYTES) {
      const part = bytes.subarray(at, at + REPLAY_FRAME_BYTES);
      this.#sendBytes(viewer, encodeFrame(kind, viewer.sessionId, part), part.length);
    }
  }

  /** It shows nothing more: output waiting for its screen goes, and what its socket still holds for it is the socket's to bound (forsake). */
  #letGo(viewer: Viewer): void {
    viewer.held = undefined;
    clearTimeout(viewer.catchUp?.wait);
    if (viewer.share) this.#shares.remove(viewer);
    forsake(viewer);
  }

  /** It leaves its socket's sessions (unless attached again since) and its terminal's viewers. */
  #removeViewer(viewer: Viewer): void {
    const shown = this.#viewers.get(viewer.socket);
    if (shown?.get(viewer.sessionId) === viewer) shown.delete(viewer.sessionId);
    this.#letGo(viewer);
    const stream = this.#streams.get(viewer.sessionId);
    if (!stream) return;
    stream.viewers.delete(viewer);
    this.#flow(viewer.sessionId, stream);
  }
}
