// Which renderer draws a terminal: xterm.js's WebGL renderer for the terminal that is shown, the
// default (DOM) renderer for every other one and wherever WebGL fails. Browsers keep only about 16
// WebGL contexts per page and silently drop the oldest past that, so a terminal takes a context
// when shown and gives it back when hidden, and the page's one holder is tracked here: a page with
// 30 tabs never holds more than one. The host element says which renderer draws it
// (data-renderer="webgl" or "dom", and data-renderer-note why not WebGL), for tests and devtools.
//
// "Automatic" (the default) keeps the DOM renderer where the browser's WebGL is a software
// rasterizer (SwiftShader, llvmpipe: no GPU, or a blocklisted one): there every frame is drawn on
// the CPU and, where the browser composites in software too (Chromium on SwiftShader does), read
// back while the page's main thread waits: bench/renderer-alone.ts measured the WebGL renderer at
// 0.30-0.36x the DOM renderer's rate.
// The person can still force WebGL in Settings.
//
// No retry: once WebGL cannot be had on this page (no WebGL2, or a context lost that the browser
// did not restore within the addon's 3 s) every terminal stays on the DOM renderer until the page
// is reloaded. A lost context means the GPU process is failing or reclaiming memory, and Chromium
// blocks WebGL for a page that keeps losing contexts; the DOM renderer always works.
import type { Terminal } from '@xterm/xterm';
import { WebglAddon } from '@xterm/addon-webgl';
import type { RendererChoice } from '../state/preferences.ts';

export type RendererKind = 'webgl' | 'dom';

/** The renderer that holds this page's one WebGL context, if any. */
let holder: TerminalRenderer | undefined;
/** Why WebGL is no longer tried on this page; undefined while it may be. */
let unavailable: string | undefined;

export class TerminalRenderer {
  readonly #term: Terminal;
  readonly #host: HTMLElement;
  #webgl: WebglAddon | undefined;
  /** the addon's context, freed by hand on release: the addon only drops its canvas, and a context lives (and counts against the cap) until garbage collected */
  #context: WebGL2RenderingContext | undefined;
  #shown = false;
  #choice: RendererChoice;

  /** `choice`: the person's setting; nothing is drawn with WebGL until shown. */
  constructor(term: Terminal, host: HTMLElement, choice: RendererChoice) {
    this.#term = term;
    this.#host = host;
    this.#choice = choice;
    this.#mark();
  }

  get kind(): RendererKind {
    return this.#webgl ? 'webgl' : 'dom';
  }

  /** The terminal is on screen (opened): it takes the page's WebGL context, from whoever had it. */
  show(): void {
    this.#shown = true;
    this.#choose();
  }

  /** Off screen: the context goes back, the DOM renderer keeps the terminal drawable. */
  hide(): void {
    this.#shown = false;
    this.#release();
  }

  /** The setting changed: WebGL on (when shown) or off at once. */
  choose(choice: RendererChoice): void {
    this.#choice = choice;
    this.#choose();
  }

  #choose(): void {
    if (!this.#shown || this.#choice === 'dom' || unavailable !== undefined || this.#softwareOnly()) return this.#release();
    if (this.#webgl) return;
    if (holder) holder.#release();
    const addon = new WebglAddon();
    try {
      this.#term.loadAddon(addon); // throws without WebGL2 (disabled, blocklisted, no GPU nor software fallback)
    } catch (error) {
      unavailable = `WebGL is not available here (${(error as Error).message})`;
      addon.dispose(); // a half-activated addon leaves the terminal's addon list
      return this.#mark();
    }
    addon.onContextLoss(() => {
      unavailable = 'the WebGL context was lost';
      this.#release();
    });
    this.#webgl = addon;
    // its canvas is the one without a layer class; asking a canvas for the kind of context it has returns that one
    this.#context = this.#term.element?.querySelector<HTMLCanvasElement>('.xterm-screen > canvas:not([class])')?.getContext('webgl2') ?? undefined;
    holder = this;
    this.#mark();
  }

  #release(): void {
    const addon = this.#webgl;
    const context = this.#context;
    this.#webgl = this.#context = undefined;
    if (holder === this) holder = undefined;
    addon?.dispose(); // xterm.js goes back to its DOM renderer and redraws
    // after the dispose: the addon no longer listens, so this loss is not taken for the GPU's
    context?.getExtension('WEBGL_lose_context')?.loseContext();
    this.#mark();
  }

  /** Automatic, and this browser's WebGL is drawn in software: not worth it. */
  #softwareOnly(): boolean {
    return this.#choice === 'auto' && softwareRasterizer() !== undefined;
  }

  #mark(): void {
    this.#host.dataset.renderer = this.kind;
    const software = this.#choice === 'auto' && this.#shown ? softwareRasterizer() : undefined;
    const note = unavailable ?? (software && `this browser draws WebGL in software (${software}), slower than the plain renderer: Settings can force WebGL`);
    if (note) this.#host.dataset.rendererNote = note;
    else delete this.#host.dataset.rendererNote;
  }
}

/** A software rasterizer's name, once asked on this page; hardware and no WebGL at all are undefined. */
let software: { name: string | undefined } | undefined;

function softwareRasterizer(): string | undefined {
  software ??= { name: probeSoftware() };
  return software.name;
}

function probeSoftware(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return undefined; // no WebGL: loading the addon fails and says so
  // Chromium names the implementation only through the debug extension; Firefox in RENDERER too
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext(); // a probe must not hold one of the page's few contexts
  return /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i.exec(name)?.[0];
}
