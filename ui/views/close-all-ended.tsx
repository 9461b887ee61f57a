// "Close all ended" on the Terminals page: it closes many terminals at once, and their output with
// them, so it asks first in a dialog that says how many (the page's own dialog: window.confirm
// would block the page, its socket's messages included). Escape or Cancel leaves them. With nothing
// ended it is aria-disabled, not disabled: the dialog gives the focus back to it, the terminals go,
// and a disabled button would drop the focus to <body> (the next Tab starting over at the top).
import { useState } from 'preact/hooks';
import { useServices } from './context.ts';
import { ModalForm } from './modal-form.tsx';
import { useServerButton } from './server-button.ts';

/** The button and its question; `ended` is how many terminals have ended, read live while it asks. */
export function CloseAllEnded(props: { ended: number }) {
  const { actions } = useServices();
  const [asking, setAsking] = useState(false);
  const serverButton = useServerButton();
  const terminals = props.ended === 1 ? '1 ended terminal' : `${props.ended} ended terminals`;
  return (
    <>
      <button type="button" {...(props.ended === 0 ? { 'aria-disabled': 'true' } : serverButton(undefined, () => setAsking(true)))}>
        Close all ended
      </button>
      {asking && (
        <ModalForm
          class="confirm-close"
          titleId="confirm-close-ended-title"
          title={`Close ${terminals}?`}
          runLabel={`Close ${terminals}`}
          problem={props.ended === 0 ? { text: 'No terminal has ended now.', shown: true } : undefined}
          onClose={() => setAsking(false)}
          onRun={() => {
            setAsking(false);
            void actions.closeAllEnded();
          }}
        >
          <p>Their output on the page goes with them. Running terminals stay open.</p>
        </ModalForm>
      )}
    </>
  );
}
