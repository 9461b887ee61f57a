// What a Kubernetes answer means for an exec: the final metav1.Status on the error channel, or
// the HTTP answer to a refused upgrade, turned into an exit code or a failure a user can act on.
import type { ExecEnd, ExecRequest } from '../exec.ts';
import type { UpgradeRefused } from './channel-socket.ts';
import type { ExecFailure } from '../../domain/target.ts';
import type { Person } from '../../domain/person.ts';
import { busySentence, isBusy } from './asking-again.ts';
import { PluginFailed } from './plugin-credentials.ts';

export interface KubeStatusLike {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/**
 * The runtime's words for `command` missing, in either of EXEC-PROTOCOL.md's forms (inside an
 * InternalError message, or printed before an ExitCode 126 status), naming it as the exec ran
 * it: only then is it this command that is missing. A program that ran may print the same words
 * about another one (a Go tool's `exec: "deploy-tool": executable file not found in $PATH`, then
 * exit 127): taken for a missing shell, an Auto shell ran the piped input again in the next one.
 * runc says `exec: "bash": executable file not found in $PATH`, or `exec: "/bin/bash": stat
 * /bin/bash: no such file or directory` (older runc inside another quote: `exec: \"bash\": …`);
 * crun (CRI-O), in a message, "executable file `bash` not found in $PATH".
 */
function runcWords(command: string): string {
  return `exec: \\\\*"${escaped(command)}\\\\*": (?:executable file not found|stat [^\\n]*: no such file or directory)`;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** In a status's message, anywhere: the runtime's own text, never a program's output (the message of an exit code holds only the argv). */
const messageSaysMissing = (message: string, command: string) => new RegExp(`${runcWords(command)}|executable file \`${escaped(command)}\` not found`, 'i').test(message);

// In the output, only runc's words (Docker's), as its first line says them: a command that ran
// and printed "No such file or directory" (cat of a missing file) before exiting 126 or 127 is
// an exit code, not a missing command. (MISSING_COMMAND_OPENINGS, in the seam, is how they begin.)
const outputSaysMissing = (outputHead: string, command: string) => new RegExp(`^(?:OCI runtime exec failed:.*)?${runcWords(command)}`, 'i').test(outputHead.trimStart());

/**
 * The end of an exec from its final status. `command`: the executable the exec ran (argv[0]), the
 * only one whose absence makes it `commandNotFound`; `outputHead` is the first output bytes, as text.
 */
export function endFromStatus(status: KubeStatusLike, command: string, outputHead = ''): ExecEnd {
  if (status.status === 'Success') return { kind: 'exited', code: 0 };
  const exitCause = status.details?.causes?.find((cause) => cause.reason === 'ExitCode');
  const code = exitCause ? Number.parseInt(exitCause.message ?? '', 10) : NaN;
  const message = status.message ?? '';
  if (status.reason === 'NonZeroExitCode' && Number.isInteger(code) && code >= 0 && code <= 255) {
    if ((code === 126 || code === 127) && (messageSaysMissing(message, command) || outputSaysMissing(outputHead, command))) {
      return { kind: 'failed', failure: commandNotFound(message || outputHead) };
    }
    return { kind: 'exited', code };
  }
  if (messageSaysMissing(message, command)) return { kind: 'failed', failure: commandNotFound(message) };
  return { kind: 'failed', failure: failureFromHttp(status.code ?? 500, status) };
}

function commandNotFound(text: string): ExecFailure {
  return { reason: 'commandNotFound', message: text.trim() };
}

/** Who the exec was for, so a refusal can name them and the namespace. */
export interface ExecFor {
  person?: Person;
  namespace?: string;
  /** what was asked: an exec (default) or an attach to the main process */
  subresource?: 'exec' | 'attach';
  /** the executable the exec was to run (argv[0]): a refusal that says it is missing is commandNotFound */
  command?: string;
}

/** A refused exec request: the HTTP code and, when the server sent one, its Status body. */
export function failureFromHttp(httpCode: number, status: KubeStatusLike = {}, execFor: ExecFor = {}): ExecFailure {
  // a sentence of its own: something follows it in some messages ("… Wait for it to start")
  const said = status.message ? ` The cluster said: ${status.message}${/[.!?]$/.test(status.message) ? '' : '.'}` : '';
  if (httpCode === 401) {
    return { reason: 'unauthorized', message: `The cluster did not accept your credentials (401 Unauthorized): they are missing, expired or invalid. Log in again or refresh your kubeconfig, check with "kubectl get pods", then try again.${said}` };
  }
  if (httpCode === 403) {
    const refusal = impersonationRefusal(status);
    if (refusal) return { reason: 'forbidden', message: refusal };
    const where = execFor.namespace ? `in namespace "${execFor.namespace}"` : 'in this namespace';
    const who = execFor.person ? `${JSON.stringify(execFor.person.user)} is` : 'You are';
    const sub = execFor.subresource ?? 'exec';
    return { reason: 'forbidden', message: `${who} not allowed to ${sub} here: this needs the "create" verb on "pods/${sub}" ${where}. Ask a cluster admin for a Role that grants create pods/${sub}.${said}` };
  }
  if (httpCode === 404) {
    return { reason: 'notFound', message: `${status.message ?? 'The pod or namespace was not found'}. It may have been deleted or renamed: refresh the pod list.` };
  }
  if (isBusy(httpCode)) return { reason: 'connection', message: `${busySentence(httpCode, `start the ${execFor.subresource ?? 'exec'}`)}${said}` };
  if (/container not found|is not running|is waiting to start|not running|completed pod|CrashLoopBackOff/i.test(status.message ?? '')) {
    return { reason: 'containerNotRunning', message: `The container is not running, so nothing can be exec'd into it.${said} Wait for it to start (check its state and logs), then try again.` };
  }
  if (execFor.command !== undefined && messageSaysMissing(status.message ?? '', execFor.command)) return commandNotFound(status.message ?? '');
  return { reason: 'unknown', message: `The cluster refused the exec (HTTP ${httpCode}).${said}` };
}

/**
 * How an exec ends whose upgrade the cluster answered with something other than 101 (nothing ran).
 * `busy`: a cluster too busy that said when to ask again, and was, as long as it allowed
 * (asking-again.ts): another transport is not tried all over again (fallback-exec.ts).
 */
export function refusedUpgradeEnd(error: UpgradeRefused, request: ExecRequest, namespace: string): ExecEnd {
  const execFor = { person: request.person, namespace, subresource: request.mode?.kind === 'attach' ? ('attach' as const) : ('exec' as const), command: request.argv[0] ?? '' };
  const busy = isBusy(error.httpCode) && error.retryAfter !== undefined ? { busy: true as const } : {};
  return { kind: 'failed', failure: failureFromHttp(error.httpCode, error.status, execFor), upgradeRefused: error.httpCode, ...busy };
}

/** The cluster was not asked: it could not be reached, its certificate is not trusted, or the credential plugin failed. */
export function failureFromNetwork(server: string, error: unknown): ExecFailure {
  return { reason: 'connection', message: unreachedSentence(server, error) };
}

/**
 * Why nothing reached the cluster, as a sentence that says what to check: the one place for the
 * reads (cluster.ts), the execs and the pod watch. A plugin's failure and an untrusted certificate
 * are told as what they are, not as a cluster that is down.
 */
export function unreachedSentence(server: string, error: unknown): string {
  if (error instanceof PluginFailed) {
    const hint = error.installHint ? ` ${error.installHint}${/[.!?]$/.test(error.installHint) ? '' : '.'}` : '';
    if (error.missing) return `The kubeconfig's credential plugin ${JSON.stringify(error.command)} is not installed (not found on this machine's PATH), so no credentials could be got for the cluster at ${server}.${hint} Install it, or fix its command in the kubeconfig, then try again.`;
    return `Getting credentials from the kubeconfig's credential plugin (${error.command}) failed, so nothing was sent to the cluster at ${server}. It said: ${error.said}${/[.!?]$/.test(error.said) ? '' : '.'} Run it yourself (or log in as it asks), then try again.`;
  }
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const certificate = certificateProblem(code);
  // node-fetch (the reads) says "request to URL failed, reason: WORDS": Node's words are the reason
  const words = message?.replace(/^request to \S+ failed, reason: /, '');
  if (certificate) return `The certificate of the cluster at ${server} ${certificate} (${code}: ${words}), so octant-exec did not talk to it. Check the cluster's certificate-authority (or certificate-authority-data) in the kubeconfig: it must be the CA that signed the API server's certificate, and that certificate must name the address in "server" and not have expired.`;
  return `Could not reach the cluster at ${server} (${code ?? message ?? 'network error'}). Check that it is running and that your kubeconfig points at it, then try again.`;
}

/** The plugin or the certificate: waiting will not mend it (the pod watch says so rather than retrying in silence). */
export function unreachedLasts(error: unknown): boolean {
  return error instanceof PluginFailed || certificateProblem((error as { code?: string } | undefined)?.code) !== undefined;
}

/** Node's (OpenSSL's) codes for a certificate that failed verification, as what is wrong with it. */
function certificateProblem(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'does not name this address';
  if (/^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERROR_IN_CERT_NOT_(BEFORE|AFTER)_FIELD)$/.test(code)) return 'has expired or is not valid yet (check this machine\'s clock too)';
  if (/^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_REJECTED|CERT_SIGNATURE_FAILURE|INVALID_CA)$/.test(code)) return 'is not trusted: it is not signed by a CA the kubeconfig trusts';
  return undefined;
}

/**
 * When a 403 says that the server's own identity may not impersonate (rather than that the person
 * may not do the thing): the sentence an operator needs, else undefined. The API server words it
 * `users "alice" is forbidden: User "system:serviceaccount:…" cannot impersonate resource "users" …`.
 */
export function impersonationRefusal(status: KubeStatusLike): string | undefined {
  const message = status.message ?? '';
  const refused = /User "([^"]*)" cannot impersonate resource "([^"]*)"/.exec(message);
  if (!refused) return undefined;
  const [, identity, resource] = refused;
  const name = /^\S+ "([^"]*)" is forbidden/.exec(message)?.[1];
  const kind = { users: 'user', groups: 'group', serviceaccounts: 'service account', uids: 'uid' }[resource] ?? resource;
  return (
    `octant-exec's own identity (${identity}) may not impersonate ${kind}${name !== undefined ? ` ${JSON.stringify(name)}` : ''}: ` +
    `grant it impersonate on users and groups, see deploy/rbac.yaml. The cluster said: ${message}`
  );
}
