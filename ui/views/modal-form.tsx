// A modal dialog holding one form, as the Exec and batch dialogs are: it opens as a modal,
// Escape cancels, submitting runs, and Enter on a select runs too (as it does in a text field).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function ModalForm(props: { class: string; titleId: string; title: string; onClose: () => void; onRun: () => void; children: ComponentChildren }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
    return () => d.open && d.close();
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
      </form>
    </dialog>
  );
}
