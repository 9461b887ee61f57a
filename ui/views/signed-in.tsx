// Team mode, in the top bar: who is signed in (their groups on hover), an "admin" badge for
// members of an --admin-group, and Sign out. Nothing in local mode.
import { personTitle, signedIn } from '../state/team.ts';
import { useAppState, useServices } from './context.ts';

export function SignedInBox() {
  const state = useAppState();
  const { actions } = useServices();
  const me = signedIn(state);
  if (!me) return null;
  return (
    <div class="signed-in" role="group" aria-label="Signed in" data-testid="signed-in">
      <span class="who" title={personTitle(me)}>
        <span class="visually-hidden">Signed in as </span>
        <b data-testid="signed-in-user">{me.user}</b>
        <span class="visually-hidden">{me.groups.length ? `, groups ${me.groups.join(', ')}` : ''}</span>
      </span>
      {me.admin && (
        <span class="badge tone-busy" title="Member of an admin group: sees every terminal (read-only) and the whole audit trail" data-testid="admin-badge">
          admin
        </span>
      )}
      {me.signOut ? (
        <button type="button" onClick={() => void actions.signOut()}>
          Sign out
        </button>
      ) : (
        <span class="muted" title="Your sign-in proxy signs you out (for oauth2-proxy: /oauth2/sign_out)">
          signed in through a proxy
        </span>
      )}
    </div>
  );
}
