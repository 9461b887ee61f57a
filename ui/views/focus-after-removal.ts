// Where the focus goes when the control that has it goes with what it removes (an alert's Dismiss,
// a Terminals page row's Close): the browser leaves it on <body>, a screen reader says nothing, and
// the next Tab starts over from the top. As it removes something, a view says which items go and
// where the focus should go then, best first (a neighbour's same button, then a heading: the WAI-ARIA
// APG's "logical place in the workflow"). Removal may wait on the server (a row goes when the
// session list says so, after a close question too), so the handover waits for the items to be gone.
import { useEffect, useRef } from 'preact/hooks';
import type { TargetedFocusEvent } from 'preact';

export interface Handover {
  /** the keys of what goes */
  gone: string[];
  /** where the focus goes, in order: the first that is on the page takes it */
  to: (() => HTMLElement | null | undefined)[];
}

/**
 * `present`: the keys on the page now. Returns what starts a handover, and a focusout handler for
 * the view's container: the focus gone somewhere else outside it (a click on another page part)
 * drops the handover, so a close the user cancelled cannot move the focus later.
 */
export function useFocusAfterRemoval(present: readonly string[]): {
  handOver: (handover: Handover) => void;
  onFocusOut: (e: TargetedFocusEvent<HTMLElement>) => void;
} {
  const pending = useRef<Handover | undefined>(undefined);
  useEffect(() => {
    const handover = pending.current;
    if (!handover || handover.gone.some((key) => present.includes(key))) return;
    pending.current = undefined;
    // the focus is somewhere the user put it: leave it there
    if (document.activeElement && document.activeElement !== document.body) return;
    for (const target of handover.to) {
      const element = target();
      if (element) return element.focus();
    }
  });
  return {
    handOver: (handover) => {
      pending.current = handover;
    },
    onFocusOut: (e) => {
      if (e.relatedTarget instanceof Node && !e.currentTarget.contains(e.relatedTarget)) pending.current = undefined;
    },
  };
}

/** The main content's heading, focusable by script only (tabindex -1): where the focus goes when nothing near is left. */
export function mainHeading(): HTMLElement | null {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}
