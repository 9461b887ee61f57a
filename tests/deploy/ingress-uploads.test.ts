// The example Ingress and file uploads (POST /files/upload, docs/api.md "Files"): ingress-nginx
// takes request bodies of 1 MiB at most unless told otherwise (413 past that), and buffers a whole
// body before it sends any of it on. So through deploy/ingress.example.yaml as it was, the page's
// Upload and `octant-exec cp` of anything over 1 MiB failed, and a smaller one reached the
// container only once it had all reached nginx (the progress bar saying done while nothing was in).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor, withTimeout } from '../support/wait.ts';
import type { Nginx } from '../support/nginx.ts';
import { startExampleIngress } from './ingress-nginx.ts';

interface Context {
  upstream: Server;
  ingress: Nginx;
  /** bytes of the request body the upstream has read so far, for the request under way */
  received: number;
}

const uploads = suite<Context>('deploy/ingress.example.yaml: uploads', { deadlineMs: 60_000 });

uploads.before(async (context) => {
  context.received = 0;
  context.upstream = createServer((req: IncomingMessage, res) => {
    context.received = 0;
    req.on('data', (chunk: Buffer) => (context.received += chunk.length));
    req.on('end', () => res.writeHead(201).end(String(context.received)));
  });
  await new Promise<void>((resolve) => context.upstream.listen(0, '127.0.0.1', resolve));
  const upstream = `127.0.0.1:${(context.upstream.address() as AddressInfo).port}`;
  context.ingress = await startExampleIngress(upstream);
});

uploads.after(async ({ upstream, ingress }) => {
  await ingress?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

/** POST to the Ingress; `body` writes the body, then the answer's status and text. */
function post(ingress: Nginx, length: number, body: (req: ReturnType<typeof request>) => Promise<void>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${ingress.url}/files/upload?namespace=default&pod=web&path=/tmp&name=big.bin`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // nginx may answer 413 and close before the body is all sent: a refusal, said as one
    req.on('error', (error) => resolve({ status: 0, text: `the connection failed: ${error.message}` }));
    body(req).catch(reject);
  });
}

uploads('a file of 8 MiB gets through to the server whole', async ({ ingress }) => {
  const size = 8 * 1024 * 1024;
  const { status, text } = await withTimeout(post(ingress, size, async (req) => void req.end(Buffer.alloc(size, 7))), 30_000, 'the upload through nginx');
  assert.is(status, 201, `the server's answer, not nginx's "${text.slice(0, 80)}"`);
  assert.is(text, String(size), 'every byte reached the server');
});

uploads('an upload streams: its first bytes reach the server before its last are sent', async (context) => {
  const first = 256 * 1024;
  const size = 2 * first;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = post(context.ingress, size, async (req) => {
    req.write(Buffer.alloc(first, 1));
    await held;
    req.end(Buffer.alloc(size - first, 2));
  });
  try {
    await waitFor(() => context.received > 0, 'the first bytes at the server while the client holds the rest', 5_000);
  } finally {
    release();
  }
  const { status } = await withTimeout(answer, 30_000, 'the upload to end');
  assert.is(status, 201, 'the whole upload was taken');
});

uploads.run();
