// User and group names that come from outside (a proxy's headers, a TokenReview, an ID token's
// claims) are checked before they become a Person: they end up in Impersonate-* headers, the event
// log and the page. Kubernetes itself puts almost no limit on them; these are ours, generous for
// real names and tight enough that a forged header cannot smuggle in control characters or bulk.
import type { Person } from '../../domain/person.ts';

export const MAX_NAME_LENGTH = 256;
export const MAX_GROUPS = 100;

// - control characters (Cc: C0 and C1; a newline in a header value would split an audit line or an
//   Impersonate header), and the line and paragraph separators (Zl, Zp), which break lines too;
// - invisible format characters (Cf: the zero-width space U+200B, the bidi overrides U+202E and
//   their kin, the soft hyphen…): `alice\u200b` shows as alice on the Audit page, and a bidi
//   override makes a name read backwards; Kubernetes names nobody that way on purpose;
// - lone surrogates (Cs, possible in a JSON claim) and the replacement character U+FFFD, which
//   means the bytes were not UTF-8.
const forbidden = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\ufffd]/u;

/** White space at either end, which an HTTP header drops (see nameProblem): such a group is dropped, such a user refused. */
export const endsInSpace = (name: string): boolean => /^\s|\s$/u.test(name);

/** Why a group with white space at an end is dropped, as the server log says it. */
export const SPACED_GROUP_WHY = 'a name that starts or ends with white space loses it in an HTTP header: the cluster could read another name';

/** Why `name` cannot be a user or group name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (forbidden.test(name)) return 'has control characters, invisible formatting characters (such as a zero-width space) or bytes that are not UTF-8';
  // An HTTP header drops the spaces around its value: " system:masters" checked here would reach
  // the cluster in an Impersonate-Group header as system:masters. Trimming instead could merge two
  // names the issuer keeps apart (" admins" and "admins"), so such a name is refused (a group, by
  // asserted-person.ts, dropped first). Any white space: it is as invisible in a list of names.
  if (endsInSpace(name)) return 'starts or ends with white space (an HTTP header drops the spaces around a value: the cluster could read another name than the one checked here)';
  return undefined;
}

/**
 * A Person from a user name and groups, or a sentence saying what is wrong (never the value
 * itself: it may be an attacker's, or a credential pasted in the wrong field). `source` names where
 * they came from, as a user would look for it ("X-Forwarded-Groups", "the ID token's groups claim").
 */
export function personFrom(user: string, groups: readonly string[], source: { user: string; groups: string }): Person | { problem: string } {
  const userProblem = nameProblem(user);
  if (userProblem) return { problem: `The user name in ${source.user} ${userProblem}.` };
  const unique = [...new Set(groups)];
  if (unique.length > MAX_GROUPS) return { problem: `${source.groups} lists more than ${MAX_GROUPS} groups.` };
  for (const group of unique) {
    const problem = nameProblem(group);
    if (problem) return { problem: `A group in ${source.groups} ${problem}.` };
  }
  return { user, groups: unique };
}
