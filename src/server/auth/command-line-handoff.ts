// The command line's sign-in through the browser, for kube-token and oidc alike, as native apps
// sign in (RFC 8252, with PKCE; `gh auth login --web`): `octant-exec sign-in --browser` listens on
// 127.0.0.1 and opens GET /auth/command-line?port=P&challenge=C, where the person, signed in on
// the page (or signing in now, then back here), sees whom the command line would act as and the
// code the command line shows, and allows it (POST, with a form token). The answer sends the
// browser to http://127.0.0.1:P/?code=K: a one-time code (handoff-codes.ts) that only the verifier
// behind C makes worth anything, traded at POST /auth/command-line/token for a session of the
// command line's own, in the mode's own store (sign-out, an admin's sign-out of the person and
// replicas treat it as any other), that ends when the browser's would. docs/api.md has the routes.
//
// GET /auth/sign-in asking for JSON says which ways in the command line has here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { COMMAND_LINE_WAYS, type CommandLineWays } from '../../protocol/http.ts';
import { cookieValue, type FrontDoor } from '../security.ts';
import { sendJson } from '../replies.ts';
import { POSTS_A_FORM, sendMessage, sendPage } from './auth-pages.ts';
import { COMMAND_LINE_PATH, COMMAND_LINE_TOKEN_PATH, SIGN_IN_PATH } from './auth-paths.ts';
import { allowPage, allowPagePolicy, pageFor, RUN_AGAIN, type Asked } from './command-line-page.ts';
import { asksForJson } from './command-sign-in.ts';
import { tradeCode, tradeLimits, type TradeOptions } from './command-line-token.ts';
import { clearCookie, setCookie } from './cookies.ts';
import { readForm } from './form-body.ts';
import { FormTokens } from './form-tokens.ts';
import { HandoffCodes } from './handoff-codes.ts';
import type { PeerLimits } from './peer-limits.ts';
import { crossSiteProblem } from './same-origin.ts';

/** The form's cookie, named apart from the sign-in form's (kube-token-auth.ts says why __Host-). */
function formCookie(secure: boolean): { name: string; path: string } {
  return secure ? { name: '__Host-octant_exec_command_line', path: '/' } : { name: 'octant_exec_command_line', path: COMMAND_LINE_PATH };
}
/** Time to read the page and compare the codes. */
const FORM_SECONDS = 600;
const BAD_LINK = `This link is not one \`octant-exec sign-in --browser\` makes (its port or challenge is missing or wrong): ${RUN_AGAIN}.`;

export interface HandoffOptions extends Omit<TradeOptions, 'codes'> {
  door: FrontDoor;
  secure: boolean;
  /** the key replicas share, when they do: a code or form of one is taken by all */
  sessionKey?: Uint8Array;
}

export class CommandLineHandoff {
  readonly #codes: HandoffCodes;
  readonly #forms: FormTokens;
  readonly #trade: TradeOptions;
  readonly #limits: PeerLimits;

  constructor(private readonly options: HandoffOptions) {
    this.#codes = new HandoffCodes(options.sessionKey, () => options.clock.now());
    this.#forms = new FormTokens(createHmac('sha256', options.sessionKey ?? randomBytes(32)).update('octant-exec command-line form').digest());
    this.#trade = { ...options, codes: this.#codes };
    this.#limits = tradeLimits(options.clock);
  }

  /** Answers the command line's routes; false for any other request. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === SIGN_IN_PATH && req.method === 'GET' && asksForJson(req)) {
      const ways: CommandLineWays = { mode: this.options.mode, commandLine: this.options.mode === 'kube-token' ? [...COMMAND_LINE_WAYS] : ['browser'] };
      sendJson(res, 200, ways);
    } else if (url.pathname === COMMAND_LINE_TOKEN_PATH) {
      if (req.method === 'POST') await tradeCode(req, res, this.options.door, this.#limits, this.#trade);
      else sendJson(res, 405, { error: { status: 405, message: `\`octant-exec sign-in --browser\` sends the code here with POST: ${RUN_AGAIN}.` } }, { Allow: 'POST' });
    } else if (url.pathname === COMMAND_LINE_PATH) {
      if (req.method === 'GET' || req.method === 'HEAD') this.#page(req, res, asked(url.searchParams));
      else if (req.method === 'POST') await this.#allow(req, res);
      else sendMessage(res, 405, 'Allow the command line', 'Open this page with GET, and send its form with POST.');
    } else return false;
    return true;
  }

  #page(req: IncomingMessage, res: ServerResponse, wanted: Asked | undefined): void {
    if (!wanted) return sendMessage(res, 400, 'Allow the command line', BAD_LINK);
    const signedIn = this.#signedIn(req);
    if (!signedIn) {
      // signed in first, the browser comes back here (local-path.ts lets this page through as `then`)
      res.writeHead(303, { Location: `${SIGN_IN_PATH}?then=${encodeURIComponent(pageFor(wanted))}`, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      return void res.end();
    }
    const { cookie, field } = this.#forms.issue();
    const named = formCookie(this.options.secure);
    const setForm = setCookie(named.name, cookie, { path: named.path, sameSite: 'Strict', secure: this.options.secure, maxAge: FORM_SECONDS });
    sendPage(res, 200, 'Allow the command line', allowPage(signedIn, wanted, field), { ...POSTS_A_FORM, 'Set-Cookie': setForm, 'Content-Security-Policy': allowPagePolicy(wanted.port) });
  }

  async #allow(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const title = 'Allow the command line';
    const crossSite = crossSiteProblem(req, this.options.door);
    if (crossSite) return sendMessage(res, 403, title, crossSite);
    const form = await readForm(req);
    const wanted = asked(form);
    const page = wanted ? { href: pageFor(wanted), text: 'Open the page again' } : undefined;
    const named = formCookie(this.options.secure);
    if (!this.#forms.valid(cookieValue(req.headers.cookie, named.name), form.get('csrf') ?? undefined)) {
      return sendMessage(res, 403, title, `This form was not the one this server gave you (it expired, or the server restarted): open the page again and allow there, or ${RUN_AGAIN}.`, page);
    }
    const signedIn = this.#signedIn(req);
    if (!signedIn) return sendMessage(res, 401, title, 'Your sign-in in this browser has ended: sign in again, then allow the command line.', { href: wanted ? `${SIGN_IN_PATH}?then=${encodeURIComponent(pageFor(wanted))}` : SIGN_IN_PATH, text: 'Sign in' });
    if (!wanted) return sendMessage(res, 400, title, BAD_LINK);
    const code = this.#codes.issue(this.options.mode, signedIn.person, wanted.challenge, signedIn.browser);
    const dropForm = clearCookie(named.name, { path: named.path, sameSite: 'Strict', secure: this.options.secure });
    // to the command line's listener, never elsewhere: the port is the only part that comes from outside
    res.writeHead(303, { Location: `http://127.0.0.1:${wanted.port}/?code=${code}`, 'Set-Cookie': dropForm, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Length': 0 });
    res.end();
  }

  /** The browser's signed-in person and its session (its end, when it was made), or undefined. */
  #signedIn(req: IncomingMessage) {
    const verdict = this.options.sessions.identify(req);
    if ('refused' in verdict || !verdict.caller.person || !verdict.caller.signIn) return undefined;
    return { person: verdict.caller.person, admin: verdict.caller.admin, endsAt: verdict.caller.signIn.endsAt, browser: verdict.caller.signIn };
  }
}

/** The port (1024–65535, as written) and challenge (43 base64url characters: S256 of a verifier) asked, or undefined. */
function asked(params: URLSearchParams): Asked | undefined {
  const port = params.get('port') ?? '';
  const challenge = params.get('challenge') ?? '';
  if (!/^[1-9][0-9]{3,4}$/.test(port) || Number(port) < 1024 || Number(port) > 65535 || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return undefined;
  return { port: Number(port), challenge };
}
