// Catching a page up with the screen (docs/api.md, "Catching up with the screen"): a viewer that
// asked for it (`attach` with `catchUp`) never holds the producer. While it keeps up it gets every
// live frame; past the high watermark it is behind and gets none; each time it has drawn down to
// the low watermark it gets the next stretch of what it missed, from the scrollback, so a burst
// (`cat` of a log) still reaches it whole and its scrollback keeps every line. It is skipped to the
// screen as it is now only when that can no longer be, or is no longer wanted: what it missed has
// left the scrollback (a flood like `yes`), or someone typed since it fell behind (Ctrl-C under a
// flood: the prompt is wanted, not the megabytes before it). Once skipped, until it has missed
// nothing, what comes after a screen reaches it as it came only if it draws no more lines than a
// screen does; if not, it is skipped to the next screen too. What it skipped is kept only if the
// terminal is recorded.
// The data plane (data-plane.ts) sends; this decides.
import type { Scrollback } from './scrollback.ts';
import { SCREEN_HISTORY_ROWS } from './screen.ts';
import { behind, type CatchUp, type SessionStream, type Viewer } from './stream-viewers.ts';

/** a viewer's next screen waits this many times as long as its last build took: builds under a flood take at most a quarter of a core per viewer (one from a 1 MiB scrollback of `yes` takes 12-72 ms on a busy 2-core machine) */
const BUILD_SPACING = 3;
/**
 * ... but not once the output has been quiet this long: the flood is over (Ctrl-C), and the screen
 * with the prompt is wanted now, not after a wait sized for the flood (bench figure 8: 913 ms from
 * Ctrl-C to the prompt with the wait, 274 without).
 */
const QUIET_MS = 30;
/**
 * A key typed while behind (Ctrl-C) changes what the screen will show once its effect is out: the
 * screen waits for the output to go quiet, up to this long after the key, and not for the flood's
 * spacing (figure 8: the first screen after Ctrl-C was built from the flood's tail, and the
 * prompt waited for a second build).
 */
const TYPED_WAIT_MS = 250;

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
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A catch-up viewer's state as it attaches at `from`: behind until the attach has sent it something. */
  start(from: number): CatchUp {
    return { sentTo: from, state: 'behind', notBefore: 0, behindSince: this.now() };
  }

  /** A live frame goes to the viewer (`sendFrame`) while it keeps up; past the high watermark it is behind. */
  live(viewer: Viewer, catchUp: CatchUp, bytes: number, sendFrame: () => void): void {
    if (catchUp.state !== 'live') return;
    sendFrame();
    catchUp.sentTo += bytes;
    if (behind(viewer) > this.watermarks.highWatermark) this.#behind(catchUp);
  }

  /** The viewer acknowledged bytes: if it is behind and drawn down to the low watermark, catch it up (no sooner than its last build allows). */
  acked(viewer: Viewer, stream: SessionStream): void {
    const catchUp = viewer.catchUp!;
    if (catchUp.state !== 'behind' || catchUp.wait || behind(viewer) > this.watermarks.lowWatermark) return;
    if (!this.#skipped(catchUp, stream) && (!catchUp.skipping || this.#fewLines(catchUp, stream))) return this.#missed(viewer, catchUp, stream);
    const now = this.now();
    const quiet = now - stream.lastOutputAt;
    if (this.#typed(catchUp, stream)) catchUp.typedAt ??= stream.lastInputAt;
    const due = catchUp.typedAt !== undefined ? catchUp.typedAt + TYPED_WAIT_MS : catchUp.notBefore;
    if (now >= due || quiet >= QUIET_MS) {
      // nothing came since its last screen (a key typed after it): that is the screen as it is
      if (catchUp.sentTo === stream.scrollback.end) return this.#missed(viewer, catchUp, stream);
      catchUp.skipping = true;
      return this.send.screen(viewer, stream, catchUp.sentTo);
    }
    // looked at again when it is due, or when the output may have gone quiet, whichever comes first
    catchUp.wait = setTimeout(() => {
      catchUp.wait = undefined;
      if (this.send.shown(viewer, stream)) this.acked(viewer, stream);
    }, Math.min(due - now, QUIET_MS - quiet));
  }

  /** Its screen (as of `to`, read from the scrollback at `readAt`) was sent: it goes on from `to` with what came since, as above. */
  screenSent(viewer: Viewer, catchUp: CatchUp, stream: SessionStream, to: number, readAt: number): void {
    const now = this.now();
    catchUp.sentTo = to;
    catchUp.notBefore = now + BUILD_SPACING * (now - readAt);
    catchUp.state = 'behind';
    // behind since the build read the scrollback: a key typed during the build (Ctrl-C) still skips it to the next screen
    catchUp.behindSince = readAt;
    catchUp.typedAt = undefined;
    if (this.#skipped(catchUp, stream) || catchUp.skipping) this.acked(viewer, stream);
    else this.#missed(viewer, catchUp, stream);
  }

  #behind(catchUp: CatchUp): void {
    catchUp.state = 'behind';
    catchUp.behindSince = this.now();
    catchUp.typedAt = undefined;
  }

  /** The viewer is to be skipped to the screen: what it missed is no longer all held, or someone typed since it fell behind. */
  #skipped(catchUp: CatchUp, stream: SessionStream): boolean {
    return catchUp.sentTo < stream.scrollback.start || this.#typed(catchUp, stream);
  }

  /**
   * Whether what it missed draws no more lines than a screen does. After a screen, what came since
   * goes as it came only then; otherwise it is skipped to the next screen too, once due or once the
   * output is quiet: 64 KiB of `yes` is 21,000 lines, which held a page's main thread for 250-440 ms
   * (and the Ctrl-C typed meanwhile with it), and after Ctrl-C the flood's tail still on its way
   * (300 KB in figure 8) reached the page line by line after the prompt's screen. A steady stream
   * the page can keep up with stays under it, and the page goes live again.
   */
  #fewLines(catchUp: CatchUp, stream: SessionStream): boolean {
    return stream.scrollback.lineFeedsSince(catchUp.sentTo, SCREEN_HISTORY_ROWS) <= SCREEN_HISTORY_ROWS;
  }

  #typed(catchUp: CatchUp, stream: SessionStream): boolean {
    return stream.lastInputAt >= catchUp.behindSince; // a key in the same instant counts
  }

  /** The next stretch of what the viewer missed, as much as fits under the high watermark; all of it: it is live again. */
  #missed(viewer: Viewer, catchUp: CatchUp, stream: SessionStream): void {
    const { scrollback } = stream;
    const room = this.watermarks.highWatermark - behind(viewer);
    if (room <= 0) return;
    const stretch = scrollback.since(catchUp.sentTo, catchUp.sentTo + room);
    if (stretch.bytes.length) this.send.replay(viewer, stretch);
    catchUp.sentTo += stretch.bytes.length;
    if (catchUp.sentTo === scrollback.end) {
      catchUp.state = 'live';
      catchUp.skipping = false;
    }
  }
}
