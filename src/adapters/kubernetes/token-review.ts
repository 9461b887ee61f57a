// TokenReview: whose is this bearer token? Asked of the API server with the server's own identity
// (the kubeconfig's current context, or the in-cluster service account), for the kube-token sign-in
// mode. The answer's spec echoes the token, so nothing of the answer but its status is ever read,
// and no error carries the body.
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import type { KubeContexts } from './kubeconfig.ts';
import { shareSecureContext } from './secure-contexts.ts';

const PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
/** A TokenReview answer is small; anything larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 10_000;

export type TokenReviewResult = { authenticated: true; username: string; groups: string[] } | { authenticated: false };

/** The API server could not answer the review (unreachable, refused the server's identity, …). */
export class TokenReviewFailed extends Error {
  constructor(
    /** the HTTP status, 0 when there was no answer */
    readonly httpCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reviews `token` as the server itself (the current context of `contexts`). */
export async function reviewToken(contexts: KubeContexts, token: string): Promise<TokenReviewResult> {
  const config: KubeConfig = contexts.config();
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new TokenReviewFailed(0, 'the kubeconfig context has no cluster server');
  const url = new URL(server.replace(/\/$/, '') + PATH);
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
  const options: https.RequestOptions = {
    method: 'POST',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: url.pathname,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
  await config.applyToHTTPSOptions(options);
  shareSecureContext(options);
  const { status, text } = await send(url.protocol === 'https:' ? https : http, options, body);
  if (status !== 201 && status !== 200) throw new TokenReviewFailed(status, `the API server answered the TokenReview with HTTP ${status}${statusMessage(text)}`);
  let answer: { status?: { authenticated?: unknown; user?: { username?: unknown; groups?: unknown } } };
  try {
    answer = JSON.parse(text);
  } catch {
    throw new TokenReviewFailed(status, 'the API server answered the TokenReview with something that is not JSON');
  }
  const review = answer.status ?? {};
  // status.error is the authenticator's own wording; not passed on, as nothing says it leaves the token out
  if (review.authenticated !== true) return { authenticated: false };
  const username = review.user?.username;
  const groups = review.user?.groups;
  if (typeof username !== 'string') throw new TokenReviewFailed(status, 'the TokenReview said authenticated but named no user');
  return { authenticated: true, username, groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [] };
}

function send(transport: typeof http | typeof https, options: https.RequestOptions, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = transport.request(options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return void response.destroy(new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => reject(new TokenReviewFailed(0, `the TokenReview answer broke off: ${error.message}`)));
    });
    request.on('error', (error) => reject(new TokenReviewFailed(0, `the API server could not be reached for a TokenReview: ${error.message}`)));
    request.end(body);
  });
}

/** The message of a refusal's Status (it never echoes the token: only the spec does). */
function statusMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}
