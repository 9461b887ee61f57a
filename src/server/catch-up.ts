// Catching a page up with the screen (docs/api.md, "Catching up with the screen"): a viewer that
// asked for it (`attach` with `catchUp`) never holds the producer. While it keeps up it gets every
// live frame; past the high watermark it is behind and gets none; once it has drawn down to the
// low watermark it gets what it missed as it came, when that is all still held and fits under the
// high watermark, else the screen as it is now (mosh's way: Ctrl-C under a flood shows its prompt
// at once; what it skipped is in the scrollback and the recording). The data plane (data-plane.ts)
// sends; this decides.
import type { Scrollback } from './scrollback.ts';
import type { CatchUp, SessionStream, Viewer } from './stream-viewers.ts';

/** a viewer's next screen waits this many times as long as its last build took: builds under a flood take at most a quarter of a core per viewer (a 1 MiB scrollback of `yes` takes 40-65 ms to build) */
const BUILD_SPACING = 3;
/**
 * ... but not once the output has been quiet this long: the flood is over (Ctrl-C), and the screen
 * with the prompt is wanted now, not after a wait sized for the flood (bench figure 8: 913 ms from
 * Ctrl-C to the prompt with the wait, 338 without).
 */
const QUIET_MS = 30;

export interface CatchUpSends {
  /** bytes from the scrollback, as they came */
  replay(viewer: Viewer, replay: ReturnType<Scrollback['since']>): void;
  /** the screen as it is when its build reads the scrollback; `skippedFrom`: where the viewer had got to */
  screen(viewer: Viewer, stream: SessionStream, skippedFrom: number): void;
  /** the viewer still shows the stream (it did not leave, the session was not closed) */
  shown(viewer: Viewer, stream: SessionStream): boolean;
}

export class CatchUps {
  constructor(
    private readonly watermarks: { highWatermark: number; lowWatermark: number },
    private readonly send: CatchUpSends,
    private readonly now: () => number = Date.now,
  ) {}

  /** A catch-up viewer's state as it attaches at `from`: behind until the attach has sent it something. */
  start(from: number): CatchUp {
    return { sentTo: from, state: 'behind', notBefore: 0 };
  }

  /** A live frame goes to the viewer (`sendFrame`) while it keeps up; past the high watermark it is behind. */
  live(viewer: Viewer, catchUp: CatchUp, bytes: number, sendFrame: () => void): void {
    if (catchUp.state !== 'live') return;
    sendFrame();
    catchUp.sentTo += bytes;
    if (viewer.unacked > this.watermarks.highWatermark) catchUp.state = 'behind';
  }

  /** The viewer acknowledged bytes: if it is behind and drawn down to the low watermark, catch it up (no sooner than its last build allows). */
  acked(viewer: Viewer, stream: SessionStream): void {
    const catchUp = viewer.catchUp!;
    if (catchUp.state !== 'behind' || catchUp.wait || viewer.unacked > this.watermarks.lowWatermark) return;
    if (this.#missed(viewer, catchUp, stream)) return;
    const now = this.now();
    const quiet = now - stream.lastOutputAt;
    if (now >= catchUp.notBefore || quiet >= QUIET_MS) return this.send.screen(viewer, stream, catchUp.sentTo);
    // looked at again when it is due, or when the output may have gone quiet, whichever comes first
    catchUp.wait = setTimeout(() => {
      catchUp.wait = undefined;
      if (this.send.shown(viewer, stream)) this.acked(viewer, stream);
    }, Math.min(catchUp.notBefore - now, QUIET_MS - quiet));
  }

  /** Its screen (as of `to`) was sent: it goes on from `to` with what came since, or is behind again. */
  screenSent(viewer: Viewer, catchUp: CatchUp, stream: SessionStream, to: number, buildMs: number): void {
    catchUp.sentTo = to;
    catchUp.notBefore = this.now() + BUILD_SPACING * buildMs;
    catchUp.state = 'behind';
    if (!this.#missed(viewer, catchUp, stream)) this.acked(viewer, stream);
  }

  /** What the viewer missed, from the scrollback, if it is all there and fits under the high watermark: then it is live again. */
  #missed(viewer: Viewer, catchUp: CatchUp, stream: SessionStream): boolean {
    const { scrollback } = stream;
    if (catchUp.sentTo < scrollback.start || viewer.unacked + scrollback.end - catchUp.sentTo > this.watermarks.highWatermark) return false;
    this.send.replay(viewer, scrollback.since(catchUp.sentTo));
    catchUp.sentTo = scrollback.end;
    catchUp.state = 'live';
    return true;
  }
}
