// The generated API's requests as a person. client-node's own HTTP library (node-fetch) sends the
// headers of a RequestContext, which are one string per name: an `Impersonate-Group` array set
// there would reach the cluster as one comma-joined group. So a person's calls take this library
// instead (per call, through the API's ConfigurationOptions.httpApi): the same request, the same
// agent (the kubeconfig's TLS settings, applied by its auth method), sent with node:https, with
// the impersonation headers added, one line per group.
import { ResponseContext, wrapHttpLibrary, type HttpLibrary, type RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import { Buffer } from 'node:buffer';
import http, { type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Person } from '../../domain/person.ts';
import { addImpersonation } from './impersonation.ts';

/**
 * Deno's node:https writes the headers of a request that has a body as UTF-8 text (Node writes them
 * as Latin-1 when the body is bytes, below): there the names go as text, so the bytes on the wire
 * are the same UTF-8 in both runtimes (tests/adapters/impersonated-reads.test.ts, under both).
 */
const HEADERS_WITH_A_BODY_AS_UTF8 = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const asUtf8Text = (value: OutgoingHttpHeaders[string]): OutgoingHttpHeaders[string] =>
  Array.isArray(value) ? value.map((v) => Buffer.from(v, 'latin1').toString('utf8')) : typeof value === 'string' ? Buffer.from(value, 'latin1').toString('utf8') : value;

/** For a person already checked with personProblem. */
export function impersonatingHttp(person: Person): HttpLibrary {
  return wrapHttpLibrary({ send: (request) => send(request, person) });
}

function send(request: RequestContext, person: Person): Promise<ResponseContext> {
  const body = request.getBody();
  // The reads and reviews made for a person send JSON text or nothing; forms are never sent.
  if (body !== undefined && typeof body !== 'string') return Promise.reject(new Error('impersonated requests send JSON bodies only'));
  const url = new URL(request.getUrl());
  const headers: OutgoingHttpHeaders = { ...request.getHeaders() };
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  const options = { method: request.getHttpMethod(), headers, agent: request.getAgent(), signal: request.getSignal() };
  addImpersonation(options, person);
  if (body !== undefined && HEADERS_WITH_A_BODY_AS_UTF8) {
    for (const name of Object.keys(headers)) if (/^impersonate-/i.test(name)) headers[name] = asUtf8Text(headers[name]);
  }
  return new Promise((resolve, reject) => {
    const outgoing = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const data = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve(new ResponseContext(response.statusCode ?? 0, headers, { text: async () => data.toString('utf8'), binary: async () => data }));
      });
    });
    outgoing.on('error', reject);
    // As bytes: a string body is written in one piece with the headers, in its encoding (UTF-8),
    // which would encode the names' UTF-8 bytes (already Latin-1 characters, see impersonation.ts) twice.
    outgoing.end(body === undefined ? undefined : Buffer.from(body, 'utf8'));
  });
}
