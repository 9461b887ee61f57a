// Terminal size messages: kubectl writes `{"Width":100,"Height":30}`, client-node writes
// `{"height":30,"width":100}`; keys are matched case-insensitively and values clamped, and
// anything malformed is ignored rather than passed to the PTY.
import type { TerminalSize } from '../../domain/target.ts';

export const MIN_TERMINAL_SIDE = 1;
export const MAX_TERMINAL_SIDE = 1000;

/** Every size in the message (kubectl may send several newline-separated objects). */
export function parseResizeMessage(text: string): TerminalSize[] {
  return text.split('\n').flatMap((line) => {
    const size = parseOne(line.trim());
    return size ? [size] : [];
  });
}

function parseOne(line: string): TerminalSize | null {
  if (!line) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
  const cols = clamp(fields.width);
  const rows = clamp(fields.height);
  return cols && rows ? { cols, rows } : null;
}

function clamp(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return Math.min(MAX_TERMINAL_SIDE, Math.max(MIN_TERMINAL_SIDE, Math.round(value)));
}
