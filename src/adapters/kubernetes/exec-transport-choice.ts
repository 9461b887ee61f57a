// Which exec transport talks to the cluster: the setting and the adapter it means.
// `auto` (the default) is what kubectl 1.30+ does: WebSocket, SPDY/3.1 when the WebSocket upgrade
// is refused (see fallback-exec.ts). `websocket` and `spdy` pin one, e.g. behind a proxy that
// mangles one of them, or to reproduce what an older kubectl sees.
import type { ExecAdapter } from '../exec.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { FallbackExecAdapter } from './fallback-exec.ts';
import { SpdyExecAdapter, type SpdyExecOptions } from './spdy-exec.ts';
import { WebSocketExecAdapter, type WebSocketExecOptions } from './websocket-exec.ts';

export const EXEC_TRANSPORT_CHOICES = ['auto', 'websocket', 'spdy'] as const;
export type ExecTransportChoice = (typeof EXEC_TRANSPORT_CHOICES)[number];

/** The setting from text (a flag, an environment variable); absent or empty means `auto`. */
export function parseExecTransportChoice(text: string | undefined): ExecTransportChoice {
  const value = (text ?? '').trim().toLowerCase() || 'auto';
  if ((EXEC_TRANSPORT_CHOICES as readonly string[]).includes(value)) return value as ExecTransportChoice;
  throw new Error(`exec transport must be one of ${EXEC_TRANSPORT_CHOICES.join(', ')}, not "${text}"`);
}

export function execAdapterFor(contexts: KubeContexts, choice: ExecTransportChoice = 'auto', options: WebSocketExecOptions & SpdyExecOptions = {}): ExecAdapter {
  switch (choice) {
    case 'websocket':
      return new WebSocketExecAdapter(contexts, options);
    case 'spdy':
      return new SpdyExecAdapter(contexts, options);
    case 'auto':
      return new FallbackExecAdapter(new WebSocketExecAdapter(contexts, options), new SpdyExecAdapter(contexts, options));
  }
}
