// What a person sets for their terminals in this browser (localStorage, so every tab and every
// later visit has it): the font size, whether closing a running terminal asks first, whether a
// selection is copied at once, which renderer draws the shown terminal, whether screen readers
// can read the terminals' text. A stored value is untrusted (another version of the page, or a
// hand edit, may have written it): anything out of range or of the wrong kind is the default.
import { isEnded, type SessionRow } from '../../src/protocol/index.ts';
import { isTransfer } from '../../src/domain/exec-action.ts';

export interface Preferences {
  /** the terminal's font size in CSS pixels, FONT_SIZE.min..FONT_SIZE.max */
  fontSize: number;
  /** closing a terminal whose process still runs asks first */
  confirmClose: boolean;
  /** a selection in a terminal goes to the clipboard as soon as it is made */
  copyOnSelect: boolean;
  /** what draws the shown terminal (ui/terminal/renderer.ts): WebGL on a GPU (auto), WebGL wherever the browser has it, or the DOM renderer */
  renderer: RendererChoice;
  /**
   * xterm.js's screen reader mode: the rows' text in an accessibility tree and new output in a
   * live region. Off by default: it costs work on every write, and a browser cannot tell a page
   * whether a screen reader runs; the terminal's input says where to turn it on.
   */
  screenReader: boolean;
}

/** what draws the shown terminal: WebGL on a GPU only (auto), WebGL wherever the browser has it, or never */
export type RendererChoice = 'auto' | 'webgl' | 'dom';
const RENDERER_CHOICES: readonly RendererChoice[] = ['auto', 'webgl', 'dom'];

export const FONT_SIZE = { min: 8, max: 32, default: 13 } as const;

export const DEFAULT_PREFERENCES: Preferences = { fontSize: FONT_SIZE.default, confirmClose: true, copyOnSelect: false, renderer: 'auto', screenReader: false };

/**
 * Each setting is stored under a key of its own (`octant-exec.preferences.fontSize`, …) and a page
 * stores only the ones it changed: with two pages of this browser open, a page's copy can be stale
 * (the other page's change, and the storage event saying so, still on their way to it), and a
 * whole copy written from it would put back what the other page changed.
 */
const KEY_PREFIX = 'octant-exec.preferences.';
/** where earlier versions of the page stored the settings whole: still read, for any setting not stored since */
const WHOLE_KEY = 'octant-exec.preferences';

/** A whole number of pixels within bounds, or the default for anything else (NaN, strings, 1e9). */
export function validFontSize(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= FONT_SIZE.min && value <= FONT_SIZE.max ? value : FONT_SIZE.default;
}

/** One step bigger (+1), smaller (-1), or back to the default (0), never past the bounds. */
export function steppedFontSize(current: number, step: -1 | 0 | 1): number {
  if (step === 0) return FONT_SIZE.default;
  return Math.min(FONT_SIZE.max, Math.max(FONT_SIZE.min, validFontSize(current) + step));
}

/** The settings after a change, the font size kept within bounds. */
export function changedPreferences(current: Preferences, change: Partial<Preferences>): Preferences {
  const next = { ...current, ...change };
  return { ...next, fontSize: validFontSize(next.fontSize) };
}

function storedJson(storage: Storage | undefined, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return undefined;
  }
}

export function readPreferences(storage?: Storage): Preferences {
  const whole = storedJson(storage, WHOLE_KEY);
  const earlier = (typeof whole === 'object' && whole !== null ? whole : {}) as Record<string, unknown>;
  const stored = (name: keyof Preferences) => (storage?.getItem(KEY_PREFIX + name) == null ? earlier[name] : storedJson(storage, KEY_PREFIX + name));
  const flag = (name: 'confirmClose' | 'copyOnSelect' | 'screenReader') => {
    const value = stored(name);
    return typeof value === 'boolean' ? value : DEFAULT_PREFERENCES[name];
  };
  return {
    fontSize: validFontSize(stored('fontSize')),
    confirmClose: flag('confirmClose'),
    copyOnSelect: flag('copyOnSelect'),
    // before the choice of three, a page stored WebGL on or off: off stays off
    renderer: RENDERER_CHOICES.find((choice) => choice === stored('renderer')) ?? (earlier.webgl === false ? 'dom' : DEFAULT_PREFERENCES.renderer),
    screenReader: flag('screenReader'),
  };
}

/**
 * All the settings as stored now, when another page of this browser stored one, from the
 * window's `storage` event (which comes only to the other pages). Undefined for another key.
 */
export function preferencesStoredElsewhere(event: Pick<StorageEvent, 'key' | 'storageArea'>): Preferences | undefined {
  const ours = event.key === WHOLE_KEY || event.key?.startsWith(KEY_PREFIX);
  return ours && event.storageArea ? readPreferences(event.storageArea) : undefined;
}

/** Stores the named settings, and only those: the others may have been changed by another page meanwhile. */
export function storePreferences(preferences: Preferences, names: readonly (keyof Preferences)[], storage?: Storage): void {
  try {
    for (const name of names) storage?.setItem(KEY_PREFIX + name, JSON.stringify(preferences[name]));
  } catch {
    // storage full or disabled: the settings last until the page is left
  }
}

/**
 * Closing this terminal would end a process that still runs: ask first (when the person wants
 * that). An ended terminal, an attach (closing detaches; the process goes on) and a file transfer
 * (Close cancels it, there is nothing to lose by accident) close at once.
 */
export function closeNeedsConfirm(row: SessionRow, preferences: Preferences): boolean {
  return preferences.confirmClose && !isEnded(row.state) && row.mode?.kind !== 'attach' && !isTransfer(row.mode);
}
