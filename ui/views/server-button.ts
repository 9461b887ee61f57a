// A button that asks the server for something (Share…, Upload…, Record, Close, …), while the server
// cannot be reached or no longer takes this page: marked off with why as its title, its click
// dropped. Each would only fail with an alert of its own, beside the banner that already says so.
// aria-disabled rather than disabled: a focused button that turned disabled would drop the focus
// to <body>. Shell and Exec have their own gate, with the cluster's permission (permission.tsx), and
// a dialog's Run its own (modal-form.tsx).
import { offReason } from '../state/outage.ts';
import { useAppState } from './context.ts';

export interface ServerButtonProps {
  title?: string;
  'aria-disabled'?: 'true';
  onClick?: () => void;
}

/** Why the server cannot be asked now, or undefined. */
export function useOffReason(): string | undefined {
  return offReason(useAppState().connection);
}

/** Props for such a button: its `title` and `onClick` while the server takes this page, else off with why. */
export function useServerButton(): (title: string | undefined, onClick: () => void) => ServerButtonProps {
  const off = useOffReason();
  return (title, onClick) => (off ? { title: off, 'aria-disabled': 'true' } : { ...(title ? { title } : {}), onClick });
}
