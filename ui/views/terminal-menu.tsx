// The right-click menu of a terminal (WAI-ARIA menu: arrow keys move, Enter chooses, Escape
// closes; a click elsewhere closes it). A terminal that takes input offers Copy, Paste, Select all,
// Clear and Search; an ended or watched one only what reads it: Copy, Select all, Search.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TerminalSession } from '../terminal/terminal-session.ts';

interface Item {
  label: string;
  run: () => void | Promise<string | undefined>;
  disabled?: boolean;
}

export function TerminalMenu(props: {
  session: TerminalSession;
  /** where the right click was, in the viewport */
  at: { x: number; y: number };
  onSearch: () => void;
  /** a sentence when Copy or Paste could not (the browser refused the clipboard) */
  onProblem: (text: string | undefined) => void;
  onClose: () => void;
}) {
  const { session } = props;
  const menu = useRef<HTMLDivElement>(null);
  const items: Item[] = [
    { label: 'Copy', run: () => session.copySelection(), disabled: !session.term.hasSelection() },
    ...(session.takesInput ? [{ label: 'Paste', run: () => session.pasteFromClipboard() }] : []),
    { label: 'Select all', run: () => session.selectAll() },
    ...(session.takesInput ? [{ label: 'Clear', run: () => session.clear() }] : []),
    { label: 'Search', run: () => props.onSearch() },
  ];

  // in the commit that draws the menu, not in an effect a frame later: a key pressed meanwhile (an
  // Escape to close it, an arrow) would go to the terminal behind it, and the shell would get it
  useLayoutEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not([disabled])')?.focus();
    const outside = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node)) props.onClose();
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, []);

  const choose = async (item: Item) => {
    props.onClose();
    if (item.label !== 'Search') session.focus();
    const problem = await item.run();
    props.onProblem(typeof problem === 'string' ? problem : undefined);
  };

  const move = (by: number) => {
    const buttons = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not([disabled])') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(at + by + buttons.length) % buttons.length]?.focus();
  };

  return (
    <div
      ref={menu}
      role="menu"
      aria-label="Terminal"
      class="terminal-menu"
      style={{ left: `${Math.min(props.at.x, window.innerWidth - 180)}px`, top: `${Math.min(props.at.y, window.innerHeight - 200)}px` }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') move(1);
        else if (e.key === 'ArrowUp') move(-1);
        else if (e.key === 'Escape' || e.key === 'Tab') {
          props.onClose();
          session.focus();
        } else return;
        e.preventDefault();
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item) => (
        <button type="button" role="menuitem" key={item.label} disabled={item.disabled} onClick={() => void choose(item)}>
          {item.label}
        </button>
      ))}
    </div>
  );
}
