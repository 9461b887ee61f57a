// The kube-token sign-in page: one form, no script. The person pastes a Kubernetes bearer token
// of their own user (what `kubectl config view --raw` or their cloud's CLI gives them); it
// is posted once, checked with a TokenReview, and never shown back, stored or logged.
import { escapeHtml } from './auth-pages.ts';
import { SIGN_IN_PATH } from './auth-paths.ts';

export function kubeTokenForm(field: string, then: string, problem?: string): string {
  return `${problem ? `<p class="problem">${escapeHtml(problem)}</p>\n` : ''}<p>Paste a Kubernetes bearer token for your own user. The cluster checks it (TokenReview) and octant-exec then acts as you, with your permissions; the token itself is not kept.</p>
<form method="post" action="${SIGN_IN_PATH}">
<input type="hidden" name="csrf" value="${escapeHtml(field)}">
<input type="hidden" name="then" value="${escapeHtml(then)}">
<label for="token">Token</label>
<textarea id="token" name="token" rows="6" autocomplete="off" spellcheck="false" required></textarea>
<button type="submit">Sign in</button>
</form>
<p>No token at hand? Ask your cluster admin how your team signs in to the cluster (a service account's token, as <code>kubectl create token</code> makes, is refused: octant-exec acts for people).</p>`;
}
