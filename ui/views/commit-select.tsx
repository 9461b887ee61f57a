// A <select> whose choice changes the page (the context, the namespace). A pick from its list
// applies at once; but on a closed select Chromium makes every arrow key a change, so a keyboard
// user walking the list would be taken to each namespace in turn (WCAG 3.2.2, On Input). Keys
// that step the choice only move it here; Enter, or leaving the control, applies it, and Escape
// puts back the one in use.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Keys that change a closed select's choice in place (Space and Alt+Down open its list instead). */
const STEPPING_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);
const steps = (e: KeyboardEvent) => !e.altKey && (STEPPING_KEYS.has(e.key) || (e.key.length === 1 && e.key !== ' '));

export function CommitSelect(props: { id: string; value: string; onCommit(value: string): void; children: ComponentChildren }) {
  const { id, value, onCommit } = props;
  const [pending, setPending] = useState<string | undefined>(undefined);
  const stepping = useRef(false);
  useEffect(() => setPending(undefined), [value]); // the page moved on: nothing is pending
  const commit = (chosen: string) => {
    setPending(undefined);
    if (chosen !== value) onCommit(chosen);
  };
  return (
    <select
      id={id}
      value={pending ?? value}
      title="Arrow keys choose; Enter applies"
      onKeyDown={(e) => {
        stepping.current = steps(e);
        if (pending === undefined) return;
        if (e.key === 'Enter') commit(pending);
        if (e.key === 'Escape') setPending(undefined);
      }}
      onKeyUp={() => (stepping.current = false)}
      onChange={(e) => {
        const chosen = (e.currentTarget as HTMLSelectElement).value;
        if (stepping.current) setPending(chosen === value ? undefined : chosen);
        else commit(chosen);
      }}
      onBlur={() => pending !== undefined && commit(pending)}
    >
      {props.children}
    </select>
  );
}
