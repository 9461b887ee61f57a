// tls-over-tcp.ts with socket-reading.ts, under Node and Deno alike (the exec adapter dials this
// way under Deno only): with its reading stopped, a connection takes in no more than the kernel's
// buffers hold from a peer that writes as fast as it may, and once started again every byte
// arrives, in order; the peer's certificate is checked as tls.connect checks it; a refused dial
// fails with the system's code.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { tlsOverTcp } from '../../src/adapters/kubernetes/tls-over-tcp.ts';
import { startReading, stopReading } from '../../src/domain/socket-reading.ts';
import { generateSandboxTls } from '../../src/sandbox/api/tls.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('TLS over a TCP socket of its own');
const pems = await generateSandboxTls();
/** more than loopback's socket buffers both ways hold; a connection that reads on takes this in well under a second */
const HELD_LIMIT = 32 * 2 ** 20;

/** A TLS server whose connection writes numbered 64 KiB chunks while it may, until told to end. */
async function floodingServer() {
  const flood = { written: 0, stalledSince: 0, sent: createHash('sha256'), end: () => {} };
  const server = tls.createServer({ key: pems.keyPem, cert: pems.certPem }, (socket) => {
    let ending = false;
    const pump = () => {
      for (let n = flood.written / 65536; !ending; n++) {
        const chunk = Buffer.alloc(65536, n % 251);
        flood.sent.update(chunk);
        flood.written += chunk.length;
        if (!socket.write(chunk)) return void (flood.stalledSince = performance.now());
      }
    };
    socket.on('drain', () => {
      flood.stalledSince = 0;
      pump();
    });
    socket.on('error', () => {});
    flood.end = () => {
      ending = true;
      socket.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { flood, port: (server.address() as AddressInfo).port, close: () => server.close() };
}

test('stopped, it takes in no more than the socket buffers hold; started again, every byte arrives in order', async () => {
  const { flood, port, close } = await floodingServer();
  const socket = tlsOverTcp({ host: '127.0.0.1', port, ca: pems.caPem });
  try {
    await once(socket, 'secureConnect');
    stopReading(socket, () => socket.pause());
    const received = createHash('sha256');
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      received.update(chunk);
      bytes += chunk.length;
    });
    // the writer stalls (nothing drained for 300 ms) once the buffers are full, or it writes past the limit
    await waitFor(() => flood.written > HELD_LIMIT || (flood.stalledSince > 0 && performance.now() - flood.stalledSince > 300), 'the writer stalled');
    assert.ok(flood.written <= HELD_LIMIT, `stopped, the connection took ${flood.written} bytes`);
    const heldAt = bytes;
    startReading(socket, () => socket.resume());
    flood.end();
    await once(socket, 'end');
    assert.ok(heldAt < flood.written / 2, `stopped, most of it waited (${heldAt} of ${flood.written} bytes had come)`);
    assert.is(bytes, flood.written, 'started again, all of it came');
    assert.is(received.digest('hex'), flood.sent.digest('hex'), 'in order');
  } finally {
    socket.destroy();
    close();
  }
});

test("the peer's certificate is checked: a CA that did not sign it fails the handshake", async () => {
  const { port, close } = await floodingServer();
  const other = await generateSandboxTls();
  const socket = tlsOverTcp({ host: '127.0.0.1', port, ca: other.caPem });
  try {
    // (events.once for 'secureConnect' would reject with the error: each outcome is heard apart)
    const outcome = await new Promise<string>((resolve) => {
      socket.once('secureConnect', () => resolve('connected'));
      socket.once('error', (error: Error) => resolve(`refused: ${error.message}`));
    });
    assert.match(outcome, /^refused: .*certificate/, 'no connection with a CA that did not sign the certificate');
  } finally {
    socket.destroy();
    close();
  }
});

test("dialed by name with a shared secure context, as the exec adapter dials a cluster: the name is the one verified", async () => {
  const { port, close } = await floodingServer();
  const secureContext = tls.createSecureContext({ ca: pems.caPem });
  const socket = tlsOverTcp({ host: 'localhost', port, secureContext });
  try {
    await once(socket, 'secureConnect');
    assert.is(socket.servername, 'localhost');
    assert.ok(socket.authorized, 'the certificate names localhost');
  } finally {
    socket.destroy();
    close();
  }
});

test('a refused dial fails with the system code', async () => {
  const socket = tlsOverTcp({ host: '127.0.0.1', port: await freePort(), ca: pems.caPem });
  const [error] = await once(socket, 'error');
  assert.is((error as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test.run();
