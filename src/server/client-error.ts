// A request node:http could not read (headers past the size it takes, bad syntax, headers that
// never finished coming) is answered as node's own handler answers when nobody listens: a
// status that says why (431, 408, 400), then the connection is cut. Only on a connection that
// has sent nothing yet: an answer is never put in the middle of another.
import type { Duplex } from 'node:stream';

const answers: Record<string, { status: string; body: string }> = {
  HPE_HEADER_OVERFLOW: { status: '431 Request Header Fields Too Large', body: "The request's headers are larger than this server takes: send fewer or smaller headers (cookies among them).\n" },
  ERR_HTTP_REQUEST_TIMEOUT: { status: '408 Request Timeout', body: 'The request did not arrive whole in time: send it again.\n' },
};
const otherwise = { status: '400 Bad Request', body: 'The request is not HTTP this server can read.\n' };

export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const { status, body } = answers[error.code ?? ''] ?? otherwise;
  if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy();
}
