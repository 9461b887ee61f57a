// What the data plane (data-plane.ts) keeps per terminal and per viewer of it.
import type { HubSocket } from './hub-sockets.ts';
import type { Scrollback } from './scrollback.ts';
import type { ShareGrant } from './shares/share-grant.ts';

export interface Viewer {
  socket: HubSocket;
  sessionId: string;
  /** bytes sent and not yet acknowledged (or, without acks, not yet written to the socket) */
  unacked: number;
  /** bytes handed to the socket and not yet written out by it: a client that stops reading is behind, whatever it acks (SECURITY.md item 5) */
  unwritten: number;
  /** detached, replaced or closed: what its socket still holds for it counts against the socket (forsake) */
  forsaken?: true;
  acks: boolean;
  /** watching another person's terminal (an admin, or a share's viewer): no input, resize or eof */
  readOnly: boolean;
  /** shown through a share (shares/): its grant, checked again whenever the share changes */
  share?: ShareGrant;
  /** live frames held while this viewer's screen is being built (counted in `unacked`, so flow control holds the producer) */
  held?: { frame: Uint8Array; bytes: number }[];
  /** a viewer caught up with the screen when it lags, instead of holding the producer */
  catchUp?: CatchUp;
}

/**
 * A viewer shows nothing more: what its socket has not yet written for it is owed by the socket
 * alone from now on, bounded there with its messages (hub-sockets.ts); a client that attached a
 * terminal again and again without reading would otherwise pile up a replay each time.
 */
export function forsake(viewer: Viewer): void {
  if (viewer.forsaken) return;
  viewer.forsaken = true;
  if (viewer.unwritten > 0) viewer.socket.owedForGone(viewer.unwritten);
}

/** Tells a read-only viewer (a share's viewer, an admin watching `owner`'s terminal) that it may not type, resize or end the input. */
export function refuseReadOnly(viewer: Viewer, owner = 'the local user'): void {
  if (viewer.share) return viewer.socket.error('readOnly', `You are a viewer of this shared terminal: only its owner and participants type in it.`, viewer.sessionId);
  viewer.socket.error('readOnly', `You are watching ${owner}'s terminal: only ${owner} can type in it or resize it.`, viewer.sessionId);
}

/**
 * The client says it drew `bytes` more. Never what waits for its screen (`held`): it was sent
 * nothing yet, and a lie would resume the producer while the server kept every byte for it.
 */
export function acknowledge(viewer: Viewer, bytes: number): void {
  if (!viewer.held) viewer.unacked = Math.max(0, viewer.unacked - bytes);
}

/** How far a viewer is behind: what it has not acknowledged, and never less than what its socket still holds. */
export const behind = (viewer: Viewer): number => Math.max(viewer.unacked, viewer.unwritten);

export interface CatchUp {
  /** offset just past the last byte this viewer was sent (a screen counts as every byte before its offset) */
  sentTo: number;
  /** live: gets each frame; behind: gets nothing until it has drawn down to the low watermark; building: its screen is being built */
  state: 'live' | 'behind' | 'building';
  /** when it last fell behind (performance.now()): input since then skips it to the screen */
  behindSince: number;
  /** the first key typed since it fell behind: its screen is due TYPED_WAIT_MS after it, however many keys follow */
  typedAt?: number;
  /** it was skipped to a screen and is not live again yet: what came after it goes only if it draws no more lines than a screen */
  skipping?: boolean;
  /** its next screen is built no sooner than this (performance.now()) */
  notBefore: number;
  /** the timer that waits for notBefore */
  wait?: ReturnType<typeof setTimeout>;
}

export interface SessionStream {
  scrollback: Scrollback;
  viewers: Set<Viewer>;
  paused: boolean;
  /** live bytes that waited for a viewer's screen to be built, all told */
  heldForScreens: number;
  /** screens sent to catch-up viewers that lagged, all told */
  catchUps: number;
  /** when its last output came (performance.now(): a wall clock set back must not hold a viewer): a catch-up waits less once the output is quiet */
  lastOutputAt: number;
  /** when it was last typed into (performance.now()): a viewer behind since before is skipped to the screen */
  lastInputAt: number;
}

export interface SessionStreamStats {
  scrollbackBytes: number;
  /** the blocks that hold them (heap objects: few, however small the output's chunks) */
  scrollbackBlocks: number;
  start: number;
  end: number;
  paused: boolean;
  /** unacknowledged bytes of each viewer */
  viewers: number[];
  /** live bytes that waited for a viewer's screen to be built, all told (one viewer's or another's) */
  heldForScreens: number;
  /** screens sent to catch-up viewers that lagged, all told */
  catchUps: number;
}
