// The few pages the sign-in modes serve themselves, rendered here: plain HTML with no script
// (CSP default-src 'self' forbids inline script, and none is needed), every text escaped.
import { Buffer } from 'node:buffer';
import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const style = 'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}textarea{width:100%;font:13px monospace}button{font-size:1rem;margin-top:.5rem}.problem{color:#b00020}';

/**
 * For the pages whose form posts to the server itself (kube-token's token, the command line's
 * Allow). Under the app's `no-referrer`, a browser sends such a post with `Origin: null`, which the
 * cross-site check (same-origin.ts) must refuse: these pages keep their origin for their own
 * requests, and still send nothing of it (nor of their address) to any other site. Only these:
 * another auth page's address may hold what its own links must not carry on (the OIDC callback's
 * code and state).
 */
export const POSTS_A_FORM = { 'Referrer-Policy': 'same-origin' };

export function sendPage(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string | string[]> = {}): void {
  const html = `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · octant-exec</title><style>${style}</style></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body>\n</html>\n`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store', ...headers });
  res.end(html);
}

/** A page that says one thing, with a way on. */
export function sendMessage(res: ServerResponse, status: number, title: string, sentence: string, link?: { href: string; text: string }, headers?: Record<string, string | string[]>): void {
  const more = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  sendPage(res, status, title, `<p${status >= 400 ? ' class="problem"' : ''}>${escapeHtml(sentence)}</p>${more}`, headers);
}

/**
 * A page that moves the browser on to `target` by itself (meta refresh, not script), with a link
 * for a browser that does not. Used where a redirect would not do: after the identity provider's
 * cross-site redirect (see oidc-auth.ts), and to send a browser on to another site after a form.
 */
export function sendContinue(res: ServerResponse, title: string, sentence: string, target: string, headers: Record<string, string | string[]> = {}): void {
  const href = escapeHtml(target);
  const html = `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>${escapeHtml(title)} · octant-exec</title><style>${style}</style></head>\n<body>\n<p>${escapeHtml(sentence)} <a href="${href}">Continue</a></p>\n</body>\n</html>\n`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store', ...headers });
  res.end(html);
}
