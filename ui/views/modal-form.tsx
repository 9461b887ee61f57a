// A modal dialog holding one form, as the Exec and batch dialogs are: it opens as a modal,
// Escape cancels, submitting runs, and Enter on a select runs too (as it does in a text field).
// Below the fields: the problem that keeps it from running, if any, then Cancel and Run. Closed,
// it gives the focus back to what had it before (the button that opened it), still on the page,
// unless something else took it meanwhile (the terminal its Run opened).
// A problem about one field is that field's too (fieldState): aria-invalid, and the problem's
// sentence in its description, so a screen reader says it on the field (WCAG 3.3.1).
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useOffReason } from './server-button.ts';

/** Why a dialog cannot run; `shown` is false when a field already says it, `field` the id of the field it is about. */
export interface FormProblem {
  text: string;
  shown: boolean;
  field?: string;
}

/** The id of a dialog's problem line (its title's id and "-problem"). */
export const problemId = (titleId: string) => `${titleId}-problem`;

/** A field's aria-invalid and aria-describedby: its own hints, and the dialog's problem line when the problem is about it. */
export function fieldState(titleId: string, problem: FormProblem | undefined, field: string, ...hints: string[]): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  const bad = problem?.field === field;
  const described = [...hints, ...(bad && problem.shown ? [problemId(titleId)] : [])].join(' ');
  return { ...(bad ? { 'aria-invalid': true as const } : {}), ...(described ? { 'aria-describedby': described } : {}) };
}

export function ModalForm(props: {
  class: string;
  titleId: string;
  title: string;
  /** why it cannot run */
  problem?: FormProblem;
  onClose: () => void;
  onRun: () => void;
  /** the submit button's word (default Run) */
  runLabel?: string;
  /** the other button's (default Cancel) */
  cancelLabel?: string;
  /** where the focus goes when what opened the dialog went meanwhile (a terminal ended, and its Upload… with it) */
  focusAfter?: () => HTMLElement | null | undefined;
  /** its run asks nothing of the server (Settings): it runs while the server cannot be asked too */
  local?: true;
  children: ComponentChildren;
}) {
  const { problem } = props;
  // a run that asks the server waits while it cannot be asked (opened before the link went): off, saying why
  const off = useOffReason();
  const run = () => (props.local || !off) && props.onRun();
  const dialog = useRef<HTMLDialogElement>(null);
  // read while the dialog is first drawn, before it takes the focus
  const [opener] = useState(() => document.activeElement);
  // shown as a modal (which moves the focus into it) in the commit that draws it, not in an effect
  // a frame later: a key pressed meanwhile (an Escape to cancel, Enter) would go to what opened it
  useLayoutEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
    return () => {
      // What the dialog's run opened may have taken the focus since (the new terminal of an Exec's
      // Run, drawn before this component goes): it keeps it. Only a focus left in the dialog, or on
      // <body> where the browser leaves it when the dialog goes, is given back.
      const active = document.activeElement;
      const takenElsewhere = active instanceof HTMLElement && active !== document.body && !d.contains(active);
      if (d.open) d.close();
      if (takenElsewhere) {
        if (active.isConnected && document.activeElement !== active) active.focus();
        return;
      }
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      else props.focusAfter?.()?.focus();
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
          run();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'SELECT') {
            e.preventDefault();
            run();
          }
        }}
      >
        <h2 id={props.titleId}>{props.title}</h2>
        {props.children}
        {problem?.shown && (
          <p class="error" id={problemId(props.titleId)}>
            {problem.text}
          </p>
        )}
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            {props.cancelLabel ?? 'Cancel'}
          </button>
          <button type="submit" class="primary" disabled={!!problem} {...(!problem && !props.local && off ? { 'aria-disabled': 'true', title: off } : {})}>
            {props.runLabel ?? 'Run'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
