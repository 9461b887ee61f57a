// Calls to the OpenID provider (discovery, keys, the token endpoint): JSON only, with a deadline,
// a size bound, and no redirects followed (an issuer's endpoints are where its discovery says).
// Failures are an IssuerUnreachable whose sentence names what was asked and why it failed.
import { Buffer } from 'node:buffer';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 512 * 1024;

export class IssuerUnreachable extends Error {}

export interface IssuerAnswer {
  status: number;
  json: unknown;
}

/** `what` says what is asked, for the message: "the provider's discovery document". */
export async function issuerFetch(url: string, what: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<IssuerAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { Accept: 'application/json', ...init.headers }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new IssuerUnreachable(`${what} could not be fetched from ${origin(url)}: ${reason(error)}`);
  }
  if (response.status >= 300 && response.status < 400) throw new IssuerUnreachable(`${what} at ${origin(url)} answered with a redirect (HTTP ${response.status}); octant-exec follows none: check the issuer URL`);
  const text = await bounded(response, what, url);
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    throw new IssuerUnreachable(`${what} at ${origin(url)} is not JSON (HTTP ${response.status})`);
  }
}

async function bounded(response: Response, what: string, url: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_BYTES) {
        await reader.cancel();
        throw new IssuerUnreachable(`${what} at ${origin(url)} is over ${MAX_BYTES / 1024} KiB`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof IssuerUnreachable) throw error;
    throw new IssuerUnreachable(`${what} from ${origin(url)} broke off: ${reason(error)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the provider';
  }
}

function reason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
