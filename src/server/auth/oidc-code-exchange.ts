// Trading the authorization code for tokens at the provider's token endpoint, as a confidential
// client (client_secret_basic: id and secret form-encoded, then base64, RFC 6749 2.3.1) with the
// PKCE verifier. Only the ID token is kept from the answer; the access and refresh tokens are not
// needed (the server acts as the person through impersonation) and are dropped.
import { Buffer } from 'node:buffer';
import { IssuerUnreachable, issuerFetch } from './issuer-fetch.ts';

export class CodeRefused extends Error {
  constructor(
    /** the provider's error code (invalid_grant, …), safe to show */
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CodeExchange {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  verifier: string;
}

export async function exchangeCode(request: CodeExchange): Promise<string> {
  const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const credentials = Buffer.from(`${form(request.clientId)}:${form(request.clientSecret)}`).toString('base64');
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: request.code, redirect_uri: request.redirectUri, code_verifier: request.verifier });
  const { status, json } = await issuerFetch(request.tokenEndpoint, "the OpenID provider's token endpoint", {
    method: 'POST',
    headers: { Authorization: `Basic ${credentials}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const answer = (json ?? {}) as { id_token?: unknown; error?: unknown };
  if (status !== 200) {
    const error = typeof answer.error === 'string' && /^[\x20-\x7e]{1,64}$/.test(answer.error) ? answer.error : `HTTP ${status}`;
    const hint = error === 'invalid_grant' ? ' (the code was used already, has expired, or was not issued for this sign-in)' : error === 'invalid_client' ? ' (check --oidc-client-id and the secret file)' : '';
    throw new CodeRefused(error, `The identity provider refused the sign-in code: ${error}${hint}.`);
  }
  if (typeof answer.id_token !== 'string') throw new IssuerUnreachable('the token endpoint answered without an ID token (is the openid scope allowed for this client?)');
  return answer.id_token;
}
