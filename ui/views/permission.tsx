// Exec actions the cluster does not allow this person (team mode): the buttons stay on screen,
// disabled, with the reason as their tooltip and as a text they are described by, so a screen
// reader hears why and a browser test can read it.
import { execPermission } from '../state/team.ts';
import { useAppState } from './context.ts';

/** The id of the reason's text, for a disabled button's aria-describedby. */
export const EXEC_DENIED_ID = 'exec-denied';

export interface ExecGate {
  allowed: boolean;
  /** for a button: disabled, title and aria-describedby when not allowed */
  props(base: { disabled?: boolean; title?: string; describedBy?: string }): { disabled: boolean; title?: string; 'aria-describedby'?: string };
}

export function useExecGate(): ExecGate & { reason?: string } {
  const permission = execPermission(useAppState());
  if (permission.allowed) {
    return {
      allowed: true,
      props: (base) => ({ disabled: !!base.disabled, ...(base.title ? { title: base.title } : {}), ...(base.describedBy ? { 'aria-describedby': base.describedBy } : {}) }),
    };
  }
  return {
    allowed: false,
    reason: permission.reason,
    props: (base) => ({ disabled: true, title: permission.reason, 'aria-describedby': [EXEC_DENIED_ID, base.describedBy].filter(Boolean).join(' ') }),
  };
}

/** The reason, once per view, next to the disabled buttons. */
export function ExecDenied(props: { reason: string | undefined }) {
  if (!props.reason) return null;
  return (
    <p id={EXEC_DENIED_ID} class="hint denied" data-testid="exec-denied">
      {props.reason}
    </p>
  );
}
