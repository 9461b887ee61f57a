// The signed-out page's token field (local mode): the token octant-exec printed, or the one in its
// --token-file, given by hand. A password field, never put in the URL, kept by no browser form
// history; the sign-in is the same POST the URL's token makes.
import { useState } from 'preact/hooks';
import { useServices } from './context.ts';

export function TokenSignIn() {
  const { actions } = useServices();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const given = token.trim();
    if (!given || busy) return;
    setBusy(true);
    await actions.start(given);
    setBusy(false);
  };
  return (
    <form class="token-sign-in" onSubmit={submit}>
      <label for="sign-in-token">Token</label>
      <input id="sign-in-token" type="password" autocomplete="off" spellcheck={false} value={token} onInput={(event) => setToken((event.target as HTMLInputElement).value)} />
      <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
        Sign in
      </button>
    </form>
  );
}
