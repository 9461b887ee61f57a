// The page where a person allows the command line on their machine (command-line-handoff.ts): who
// it will act as and until when, the code to compare with the one the command line shows, and one
// button. No script, as every sign-in page (auth-pages.ts).
import type { Person } from '../../domain/person.ts';
import { shownCode } from '../../protocol/http.ts';
import { securityHeaders } from '../security.ts';
import { escapeHtml } from './auth-pages.ts';
import { COMMAND_LINE_PATH } from './auth-paths.ts';

/** What the command line asks for: the port of its listener on 127.0.0.1, and its PKCE challenge. */
export interface Asked {
  port: number;
  challenge: string;
}

export const RUN_AGAIN = 'run `octant-exec sign-in --browser` again';

/** This page's address for `asked` (where a sign-in comes back to). */
export const pageFor = (asked: Asked) => `${COMMAND_LINE_PATH}?port=${asked.port}&challenge=${asked.challenge}`;

/**
 * The page's CSP: the app's, but for form-action, which must also allow where the form's answer
 * redirects (browsers hold a form's redirect to it): the command line's listener, and only it.
 */
export function allowPagePolicy(port: number): string {
  const policy = String(securityHeaders(COMMAND_LINE_PATH, [])['Content-Security-Policy']);
  return policy.replace("form-action 'self'", `form-action 'self' http://127.0.0.1:${port}`);
}

export function allowPage(who: { person: Person; admin: boolean; endsAt: number }, asked: Asked, csrf: string): string {
  const { person } = who;
  const groups = person.groups.length ? ` (groups ${person.groups.join(', ')})` : '';
  const until = new Date(who.endsAt).toISOString().slice(0, 16).replace('T', ' ');
  return `<p>The octant-exec command line on your machine asks to act as <strong>${escapeHtml(person.user)}</strong>${escapeHtml(groups)}${who.admin ? ', <strong>an admin</strong>,' : ''} until ${until} UTC, when your sign-in in this browser ends (signing out here does not end it: <code>octant-exec sign-out</code> does).</p>
<p>Its code: <strong><code>${escapeHtml(shownCode(asked.challenge))}</code></strong></p>
<p>Allow only if you just ran <code>octant-exec sign-in</code> yourself and it shows this same code. Otherwise close this page: a link someone sent you should not sign in a command line.</p>
<form method="post" action="${COMMAND_LINE_PATH}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<input type="hidden" name="port" value="${asked.port}">
<input type="hidden" name="challenge" value="${escapeHtml(asked.challenge)}">
<button type="submit">Allow</button>
</form>
<p><a href="/">Back to octant-exec</a></p>`;
}
