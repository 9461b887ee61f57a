// Where the sign-in modes' own routes are: outside /api (they are pages a browser navigates to),
// the same paths for every mode that has them.
export const SIGN_IN_PATH = '/auth/sign-in';
export const SIGN_OUT_PATH = '/auth/sign-out';
/** oidc: where the identity provider sends the browser back */
export const CALLBACK_PATH = '/auth/callback';
/** kube-token, oidc: where a person allows the command line (command-line-handoff.ts) */
export const COMMAND_LINE_PATH = '/auth/command-line';
/** where the command line trades the page's code for a session */
export const COMMAND_LINE_TOKEN_PATH = '/auth/command-line/token';
