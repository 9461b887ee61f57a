// Dials the Kubernetes channel WebSocket for client-node's Exec (its WebSocketInterface seam):
// the same URL and credentials client-node would use, plus what its own dialer drops: the Status
// body of a refused upgrade, and a frame size limit.
import type { KubeConfig } from '@kubernetes/client-node';
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import { dialDirectly } from './direct-dial.ts';
import { startReading, stopReading } from '../../domain/socket-reading.ts';
import { shareSecureContext } from './secure-contexts.ts';
import type { KubeStatusLike } from './status.ts';
import { UPGRADE_BUSY_BUDGET_MS, askingAgain } from './asking-again.ts';

/** v5 adds the stdin-close frame; v4 is the oldest with exit codes in a Status. */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const maxFrameBytes = 4 * 1024 * 1024;
const maxRefusalBodyBytes = 64 * 1024;
const statusChannel = 3;

/** client-go gives a stream's creation 30 s (createStreamResponseTimeout); an upgrade gets as long. */
export const DEFAULT_UPGRADE_TIMEOUT_MS = 30_000;

/**
 * Gives up on an upgrade not answered within `ms`: a cluster (or proxy) that takes the request and
 * never answers would otherwise hold the exec, and its connection, for ever. Armed once the request
 * is on its way, not before the kubeconfig's credentials are got: an exec plugin (a browser login,
 * a token from a slow cloud API) takes what it takes, and the cluster has not been asked yet.
 * Returns the disarm.
 */
export function armUpgradeTimeout(ms: number, giveUp: (reason: Error) => void): () => void {
  const timer = setTimeout(() => giveUp(new Error(`no answer to the exec upgrade within ${ms / 1000} s`)), ms);
  return () => clearTimeout(timer);
}

/** The upgrade was answered with something other than 101: what the server said. */
export class UpgradeRefused extends Error {
  constructor(
    readonly httpCode: number,
    readonly status: KubeStatusLike,
    /** the answer's Retry-After header (a 429 or 503 is asked again after it: asking-again.ts) */
    readonly retryAfter?: string,
  ) {
    super(`upgrade refused with HTTP ${httpCode}`);
  }
}

export class ChannelSocketDialer {
  /**
   * `path`: dial this instead of the path client-node's Exec asks for. An attach takes it: Exec
   * handles the channels and the closing Status as an attach needs (client-node's Attach drops
   * the Status), and only its URL (…/attach, no command) differs.
   */
  constructor(
    private readonly config: KubeConfig,
    private readonly path?: string,
    /** aborted: the upgrade stops, its connection goes, and connect rejects with the reason */
    private readonly signal?: AbortSignal,
    private readonly upgradeTimeoutMs = DEFAULT_UPGRADE_TIMEOUT_MS,
  ) {}

  /** The upgrade, asked again when refused in a way that asking again may mend (asking-again.ts): a refused upgrade ran nothing. */
  connect(requested: string, _text: unknown, binary: ((channel: number, payload: Buffer) => boolean) | null): Promise<WebSocket> {
    return askingAgain(this.config, () => this.#dial(this.path ?? requested, binary), upgradeRefusal, { signal: this.signal, budgetMs: UPGRADE_BUSY_BUDGET_MS });
  }

  async #dial(path: string, binary: ((channel: number, payload: Buffer) => boolean) | null): Promise<WebSocket> {
    const server = this.config.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig context has no cluster server');
    const options: WebSocket.ClientOptions = { maxPayload: maxFrameBytes };
    await this.config.applyToHTTPSOptions(options);
    shareSecureContext(options);
    const uri = server.replace(/^http/, 'ws').replace(/\/$/, '') + path;
    dialDirectly(options, uri.startsWith('wss:'));
    this.signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(uri, channelProtocols, options);
      const giveUp = (reason: unknown) => {
        reject(reason);
        socket.terminate();
      };
      const stop = () => giveUp(this.signal!.reason);
      this.signal?.addEventListener('abort', stop, { once: true });
      /** a refusal whose body is still coming */
      let refusal: IncomingMessage | undefined;
      // Once refused, the timeout cuts the body off: the refusal is then what came of it, and
      // still a refusal (a fallback to SPDY needs to know), not a cluster out of reach.
      const disarm = armUpgradeTimeout(this.upgradeTimeoutMs, (reason) => (refusal ? refusal.destroy() : giveUp(reason)));
      const answered = () => {
        disarm();
        this.signal?.removeEventListener('abort', stop);
      };
      socket.once('open', answered);
      socket.once('error', answered);
      socket.on('unexpected-response', (_request, response: IncomingMessage) => {
        refusal = response;
        readStatusBody(response).then((status) => {
          answered();
          reject(new UpgradeRefused(response.statusCode ?? 0, status, response.headers['retry-after']));
          socket.terminate();
        });
      });
      // the connection itself (ws keeps it private), for setReading to stop underneath
      socket.once('upgrade', (response: IncomingMessage) => under.set(socket, response.socket));
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      // client-node's channel splitter throws, inside ws's message handler (an uncaught exception,
      // the whole server gone), on a channel it has no sink for and on a status that is not JSON;
      // and after the status it has ended its sinks, so later output would be a write after end
      // (the same). It only ever sees the channels asked for, a Status it can read, and nothing
      // after that; other channels are discarded, as client-go does ("Unknown stream id").
      const wanted = wantedChannels(path);
      let statusSeen = false;
      socket.on('message', (data: Buffer, isBinary) => {
        if (statusSeen || !isBinary || data.length === 0 || !binary || !wanted.has(data[0]!)) return;
        const channel = data[0]!;
        const payload = channel === statusChannel && data.length > 1 ? Buffer.from(JSON.stringify(statusFromText(data.toString('utf8', 1)))) : data.subarray(1);
        if (binary(channel, payload)) return;
        statusSeen = true;
        socket.close(1000);
      });
    });
  }
}

/** A refused upgrade as asking-again.ts reads it; anything else is not the cluster's refusal. */
export const upgradeRefusal = (error: unknown) => (error instanceof UpgradeRefused ? { code: error.httpCode, retryAfter: error.retryAfter } : undefined);

/** stdout and stderr as the exec's query asks for them, and the status */
function wantedChannels(path: string): Set<number> {
  const query = new URLSearchParams(path.split('?')[1] ?? '');
  const wanted = new Set([statusChannel]);
  if (query.get('stdout') === 'true') wanted.add(1);
  if (query.get('stderr') === 'true') wanted.add(2);
  return wanted;
}

/** the connection under a dialed WebSocket, where its reading may have to be stopped underneath */
const under = new WeakMap<WebSocket, Socket>();

/** Pauses (or resumes) a dialed socket's reading, underneath too where a paused TLS socket reads on. */
export function setReading(socket: WebSocket, reading: boolean): void {
  if (reading) startReading(under.get(socket), () => socket.resume());
  else stopReading(under.get(socket), () => socket.pause());
}

/** The body of a refused upgrade as a Status (or the server's text as its message); the SPDY dialer shares it. */
export async function readStatusBody(response: IncomingMessage): Promise<KubeStatusLike> {
  return statusFromText(await readBody(response));
}

/** The body, up to the limit: a body that goes on (or never ends) is cut there, not waited for. */
function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, maxRefusalBodyBytes - size));
      size += chunk.length;
      if (size < maxRefusalBodyBytes) return;
      done();
      response.destroy();
    });
    response.on('end', done);
    response.on('error', done);
    response.on('close', done); // cut off (the upgrade's timeout): what came is what we have
  });
}

/**
 * What of a Status's text we keep. Its message goes into the failure a user reads and into the
 * event log: an API server's are a sentence or two (an exit code's names the argv, so a long
 * script makes it long), while a frame may carry 4 MiB of it. Reasons are single words.
 */
const maxStatusMessageChars = 1000;
/** a page that is not a Status (a proxy's HTML): its opening is enough to recognise it */
const maxStatusPageChars = 500;
const maxStatusWordChars = 100;
/** a Status has one cause (an exit code's); a few more are kept, not a list without end */
const maxStatusCauses = 16;

/** `text` up to `max` characters; past that, its beginning, saying how much was cut. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters cut)`;
}

/**
 * A Status from the cluster's text, keeping only the fields we read, only of the types we read
 * them as, and only so much of each (cut): what a server or proxy puts there is untrusted, and a
 * `causes` that is not a list of objects would throw in endFromStatus. Text that is not a JSON
 * object (a proxy's page, an old server's words) becomes the message.
 */
export function statusFromText(text: string): KubeStatusLike {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: kept as the message below
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text.trim() ? { message: cut(text.trim(), maxStatusPageChars) } : {};
  const raw = value as Record<string, unknown>;
  const status: KubeStatusLike = {};
  if (typeof raw.status === 'string') status.status = cut(raw.status, maxStatusWordChars);
  if (typeof raw.reason === 'string') status.reason = cut(raw.reason, maxStatusWordChars);
  if (typeof raw.message === 'string') status.message = cut(raw.message, maxStatusMessageChars);
  if (Number.isInteger(raw.code)) status.code = raw.code as number;
  const causes = (raw.details as { causes?: unknown } | null | undefined)?.causes;
  if (Array.isArray(causes)) {
    status.details = {
      causes: causes
        .filter((cause): cause is Record<string, unknown> => typeof cause === 'object' && cause !== null)
        .slice(0, maxStatusCauses)
        .map((cause) => ({
          ...(typeof cause.reason === 'string' ? { reason: cut(cause.reason, maxStatusWordChars) } : {}),
          ...(typeof cause.message === 'string' ? { message: cut(cause.message, maxStatusMessageChars) } : {}),
        })),
    };
  }
  return status;
}
