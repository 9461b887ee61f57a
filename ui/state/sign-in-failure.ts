// The signed-out page's state after a failed sign-in: whether it offers its token field, and the
// sentence that says why the page is not signed in and what to do.
import { ApiError } from '../protocol/http-client.ts';

/**
 * Local mode asks for its token (its refusals say WWW-Authenticate: Bearer): the field offers to
 * take it, and stays while one is tried (`fieldShown`). Without the field, the server's own sentence.
 */
export function signInFailure(error: unknown, token: string | undefined, fieldShown: boolean): { message: string; tokenField: boolean } {
  const tokenField = (error instanceof ApiError && error.asksForToken) || (token !== undefined && fieldShown);
  const status = error instanceof ApiError ? error.status : 0;
  const said = (error as Error).message;
  if (!tokenField || (status !== 401 && status !== 400)) return { message: said, tokenField };
  if (!token) return { message: 'This page is not signed in: open the URL octant-exec printed, which carries its token after #token=, or give the token here (a server given --token-file prints its URL without it: the token is the file\'s).', tokenField };
  // the bare URL a --token-file server prints, pasted as it is (pastedToken takes a #token= out of a URL)
  if (/^https?:\/\//i.test(token)) return { message: 'That is the server\'s address, without a token: give the token in its --token-file (a server started without one printed its URL with the token after #token=).', tokenField };
  if (status === 400) return { message: 'That is not a token of octant-exec\'s: one is 32 to 512 letters, digits or -_+/=, the part after #token= in the URL it printed, or its --token-file\'s.', tokenField };
  return { message: 'That token is not this server\'s: give the URL octant-exec printed last (or its token, after #token=), or the token in its --token-file. A restart makes a per-launch token useless.', tokenField };
}
