// The socket client's backoff against a server that takes the upgrade and closes at once, before
// its hello: the stream hub does that with 1013 to a caller past its socket limit ("the page
// reconnects as it backs off"), and a proxy can too. An open socket is not a welcome one: only
// the hello says the server took the page, so only it starts the backoff over. Before, every
// opened socket reset the count, so such a page reconnected every quarter second for ever and
// never asked whether it was still signed in.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SocketClient } from '../../src/protocol/socket-client.ts';
import { waitFor } from '../support/wait.ts';
import { hello } from '../support/hello.ts';

const test = suite('socket backoff', { deadlineMs: 30_000 });

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  bufferedAmount = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send() {}
  close() {
    this.readyState = 3;
  }
  /** the upgrade is taken: open, and nothing more yet */
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** the server closes it (1013: too many sockets) */
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

function client(mayRetry: () => Promise<boolean>) {
  FakeSocket.all = [];
  return new SocketClient({ url: 'ws://x/api/v1/stream', WebSocket: FakeSocket as never, minDelayMs: 1, maxDelayMs: 4, heartbeatMs: 60_000, mayRetry });
}

test('a socket closed before its hello counts as a failed connect: the client backs off and asks whether it may go on', async () => {
  let asked = 0;
  const c = client(async () => {
    asked++;
    return false;
  });
  c.connect();
  for (let i = 0; i < 3 && c.state !== 'signedOut'; i++) {
    const ws = FakeSocket.all[i];
    ws.open();
    ws.drop();
    await waitFor(() => FakeSocket.all.length > i + 1 || c.state === 'signedOut', `socket ${i + 2}, or the end`);
  }
  assert.is(c.state, 'signedOut', 'the second refusal in a row asks mayRetry, which said no');
  assert.is(asked, 1);
  assert.is(FakeSocket.all.length, 2, 'no third socket');
  c.close();
});

test('a socket that had its hello starts the count over: its drop reconnects at once, without asking', async () => {
  let asked = 0;
  const c = client(async () => {
    asked++;
    return false;
  });
  c.connect();
  for (let i = 0; i < 3; i++) {
    const ws = FakeSocket.all[i];
    ws.open();
    ws.onmessage?.({ data: JSON.stringify(hello()) });
    assert.is(c.state, 'open');
    ws.drop();
    await waitFor(() => FakeSocket.all.length > i + 1, `socket ${i + 2}`);
  }
  assert.is(asked, 0, 'a server that welcomed the page is not asked about it');
  c.close();
});

test.run();
