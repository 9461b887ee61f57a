// Until the SPDY/3.1 transport lands (src/spdy), a SPDY upgrade gets a clear 400 Status instead
// of a hang; kubectl prints it as `Error from server (BadRequest): …`.
import type { ExecTransport } from './exec-transport.ts';
import { badRequest } from './kube-status.ts';
import { refuseUpgradeWithStatus } from './http-replies.ts';

export function createSpdyPlaceholderTransport(): ExecTransport {
  return {
    name: 'spdy',
    accepts: (request) => (request.headers.upgrade ?? '').toLowerCase().startsWith('spdy/'),
    upgrade(_request, socket) {
      refuseUpgradeWithStatus(
        socket,
        badRequest('this sandbox does not speak SPDY/3.1 exec streams yet; use a WebSocket client (kubectl 1.30 or newer does by default)'),
      );
    },
    close() {},
  };
}
