// The signed-out page's token field (local mode): the token octant-exec printed, or the one in its
// --token-file, given by hand. A password field, never put in the address; it asks browsers and
// password managers not to keep it (a --token-file token lasts, and a synced vault would carry
// it), though a browser may offer to all the same. The sign-in is the POST the URL's token makes.
// A person may paste the whole printed URL, or its #token= part: the token is taken out of it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { pastedToken } from '../../src/protocol/token-fragment.ts';
import { useAppState, useServices } from './context.ts';

export function TokenSignIn() {
  const { actions } = useServices();
  const { route } = useAppState();
  const [token, setToken] = useState('');
  const busy = useRef(false);
  const field = useRef<HTMLInputElement>(null);
  // ready to type into, except in Octant's frame, whose page keeps its own focus
  useEffect(() => {
    if (route.page !== 'embed') field.current?.focus();
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const given = pastedToken(token);
    if (!given || busy.current) return;
    busy.current = true;
    await actions.start(given);
    busy.current = false;
  };
  return (
    <form class="token-sign-in" onSubmit={submit}>
      <label for="sign-in-token">Token</label>
      <input
        id="sign-in-token"
        ref={field}
        type="password"
        autocomplete="off"
        spellcheck={false}
        data-1p-ignore
        data-lpignore="true"
        data-bwignore
        value={token}
        onInput={(event) => setToken((event.target as HTMLInputElement).value)}
      />
      {/* disabled only while empty: disabled under a click, it would drop the focus to the page */}
      <button type="submit" class="primary" disabled={token.trim() === ''}>
        Sign in
      </button>
    </form>
  );
}
