// Exec actions the cluster does not allow this person (team mode): the buttons stay on screen,
// disabled, with the reason as their tooltip and as a text they are described by, so a screen
// reader hears why and a browser test can read it. The same buttons while an exec is on its way,
// or while the server cannot be reached: marked off but focusable (pendingProps).
import { offReason } from '../state/outage.ts';
import { execPermission } from '../state/team.ts';
import { useAppState } from './context.ts';

/** The id of the reason's text, for a disabled button's aria-describedby. */
export const EXEC_DENIED_ID = 'exec-denied';

/** A gated button's own state: `pending` while an exec it (or another button) sent is on its way. */
interface GatedButton {
  disabled?: boolean;
  pending?: boolean;
  title?: string;
  describedBy?: string;
  onClick?: () => void;
}

interface GatedButtonProps {
  disabled: boolean;
  'aria-disabled'?: 'true';
  title?: string;
  'aria-describedby'?: string;
  onClick?: () => void;
}

export interface ExecGate {
  allowed: boolean;
  /** for a button: disabled, title and aria-describedby when not allowed; its click, unless pending */
  props(base: GatedButton): GatedButtonProps;
}

/**
 * A pending button is only marked off (aria-disabled) and its click dropped: a focused button that
 * turned disabled would drop the focus to <body>, and a failed Shell would leave a keyboard user at
 * the top of the page instead of on the button to try again.
 */
function pendingProps(base: GatedButton): Pick<GatedButtonProps, 'aria-disabled' | 'onClick'> {
  return base.pending && !base.disabled ? { 'aria-disabled': 'true' } : base.onClick ? { onClick: base.onClick } : {};
}

export function useExecGate(): ExecGate & { reason?: string } {
  const state = useAppState();
  const permission = execPermission(state);
  if (permission.allowed) {
    // no reason paragraph for it: the banner says why the server cannot be asked
    const unreachable = offReason(state.connection);
    return {
      allowed: true,
      props: (base) => {
        const title = (!base.disabled && unreachable) || base.title;
        return { disabled: !!base.disabled, ...pendingProps({ ...base, pending: base.pending || !!unreachable }), ...(title ? { title } : {}), ...(base.describedBy ? { 'aria-describedby': base.describedBy } : {}) };
      },
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
