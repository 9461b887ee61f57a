// The page half of bench/renderer-alone.ts, bundled for the browser: one terminal drawn by the
// page's own renderer choice (ui/terminal/renderer.ts) and fed a stream of lines under the hub's
// flow control, with nothing else on the page and no server: what xterm.js and the renderer cost.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { TerminalRenderer } from '../ui/terminal/renderer.ts';
import { HUB_DEFAULTS } from '../src/server/hub-options.ts';

export interface RendererRun {
  renderer: string;
  /** MB a second from the first write to the last one drawn */
  mbPerSecond: number;
  /** animation frames a second meanwhile: how often the screen could change */
  framesPerSecond: number;
}

const LINE = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\r\n';
// what one binary frame from the server holds at most while a terminal streams (the hub sends what a read gave it)
const CHUNK = LINE.repeat(Math.ceil(16_384 / LINE.length));

async function draw(renderer: 'webgl' | 'dom', bytes: number): Promise<RendererRun> {
  const host = document.createElement('div');
  host.style.cssText = 'width: 1200px; height: 800px';
  document.body.append(host);
  // the page's size for a 1280×860 window and its scrollback (ui/terminal/terminal-session.ts)
  const term = new Terminal({ cols: 140, rows: 40, scrollback: 10_000 });
  term.open(host);
  const chosen = new TerminalRenderer(term, host, renderer);
  chosen.show();
  if (chosen.kind !== renderer) throw new Error(`asked for ${renderer}, drawn with ${chosen.kind}: ${host.dataset.rendererNote ?? ''}`);
  let frames = 0;
  let streaming = true;
  const frame = () => {
    frames++;
    if (streaming) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const started = performance.now();
  // the server stops sending past the high watermark of bytes not yet drawn and goes on below the low one
  let written = 0;
  let unacked = 0;
  await new Promise<void>((finished) => {
    const send = () => {
      while (unacked < HUB_DEFAULTS.highWatermark && written < bytes) {
        written += CHUNK.length;
        unacked += CHUNK.length;
        term.write(CHUNK, () => {
          unacked -= CHUNK.length;
          if (written >= bytes && unacked === 0) finished();
          else if (unacked <= HUB_DEFAULTS.lowWatermark) send();
        });
      }
    };
    send();
  });
  const seconds = (performance.now() - started) / 1000;
  streaming = false;
  chosen.hide();
  term.dispose();
  host.remove();
  return { renderer, mbPerSecond: written / 1e6 / seconds, framesPerSecond: frames / seconds };
}

(window as unknown as { draw: typeof draw }).draw = draw;
