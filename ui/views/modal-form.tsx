// A modal dialog holding one form, as the Exec and batch dialogs are: it opens as a modal,
// Escape cancels, submitting runs, and Enter on a select runs too (as it does in a text field).
// Below the fields: the problem that keeps it from running, if any, then Cancel and Run. Closed,
// it gives the focus back to what had it before (the button that opened it), still on the page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function ModalForm(props: {
  class: string;
  titleId: string;
  title: string;
  /** why it cannot run; `shown` is false when a field already says it */
  problem?: { text: string; shown: boolean };
  onClose: () => void;
  onRun: () => void;
  /** the submit button's word (default Run) */
  runLabel?: string;
  /** the other button's (default Cancel) */
  cancelLabel?: string;
  children: ComponentChildren;
}) {
  const { problem } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  // read while the dialog is first drawn, before it takes the focus
  const [opener] = useState(() => document.activeElement);
  useEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
    return () => {
      if (d.open) d.close();
      // the browser leaves it on <body> when the dialog goes with its component
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      class={props.class}
      aria-labelledby={props.titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onRun();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'SELECT') {
            e.preventDefault();
            props.onRun();
          }
        }}
      >
        <h2 id={props.titleId}>{props.title}</h2>
        {props.children}
        {problem?.shown && <p class="error">{problem.text}</p>}
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            {props.cancelLabel ?? 'Cancel'}
          </button>
          <button type="submit" class="primary" disabled={!!problem}>
            {props.runLabel ?? 'Run'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
