// The network floor's far side, run as its own Node process: a bare `ws` server on loopback that
// echoes every binary message, and on the text message "stream N" sends N bytes in 64 KiB binary
// frames (waiting for each send to leave, so it streams instead of buffering) and then "done".
// Prints its port on stdout.
import process from 'node:process';
import { WebSocketServer } from 'ws';

const CHUNK = 64 * 1024;
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.send(data, { binary: true });
    const match = /^stream (\d+)$/.exec(data.toString());
    if (!match) return;
    let left = Number(match[1]);
    const payload = Buffer.alloc(CHUNK);
    const next = () => {
      if (left <= 0) return ws.send('done');
      const size = Math.min(CHUNK, left);
      left -= size;
      ws.send(payload.subarray(0, size), { binary: true }, next);
    };
    next();
  });
});
process.on('SIGTERM', () => process.exit(0));
