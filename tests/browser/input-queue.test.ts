// A terminal's input queue (ui/terminal/input-queue.ts) against a socket that holds what it is
// given until told: Stop pasting leaves the program out of paste mode whatever still waited,
// and sends no end marker when the paste's end already went. What a paste may carry out
// (withoutPasteMarkers): never bracketed paste's own markers, however hidden, and the rest as pasted.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { InputQueue, PASTE_PIECE, withoutPasteMarkers } from '../../ui/terminal/input-queue.ts';

/** A socket that sends nothing until `send(bytes)`; it tells the queue what it still holds. */
function heldSocket() {
  let queue: Uint8Array = new Uint8Array(0);
  const sent: number[] = [];
  const utf8 = new TextEncoder();
  const socket = {
    input: (text: string) => {
      const bytes = utf8.encode(text);
      const next = new Uint8Array(queue.length + bytes.length);
      next.set(queue);
      next.set(bytes, queue.length);
      queue = next;
      input.socketPending(queue.length);
      return true;
    },
    cancel: () => {
      queue = new Uint8Array(0);
      input.socketPending(0);
    },
  };
  const input = new InputQueue(socket);
  return {
    input,
    /** the socket sends `n` bytes (all when not given) */
    send: (n = queue.length) => {
      sent.push(...queue.subarray(0, n));
      queue = queue.subarray(n);
      input.socketPending(queue.length);
    },
    sentText: () => new TextDecoder().decode(new Uint8Array(sent)),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('Stop pasting with the end marker still waiting in the socket: the program gets an end marker', async () => {
  const { input, send, sentText } = heldSocket();
  input.paste('a'.repeat(PASTE_PIECE + 10), true); // two pieces; the second carries the end marker
  await settle();
  send(100); // the start marker and some text went; the rest (the end marker with it) waits
  input.cancel();
  send();
  const text = sentText();
  assert.ok(text.startsWith('\x1b[200~'), 'the paste began');
  assert.ok(text.endsWith('\x1b[201~'), 'and was closed');
  assert.is(text.split('\x1b[201~').length - 1, 1, 'once');
});

test('Stop pasting after the end marker went: no second end marker', async () => {
  const { input, send, sentText } = heldSocket();
  input.paste('b'.repeat(100), true);
  await settle();
  send(); // all of it, end marker included
  input.cancel();
  send();
  assert.is(sentText(), `\x1b[200~${'b'.repeat(100)}\x1b[201~`);
});

test('Stop pasting before the start marker went: nothing of the paste, no end marker', async () => {
  const { input, send, sentText } = heldSocket();
  input.paste('c'.repeat(100), true);
  await settle();
  input.cancel();
  send();
  assert.is(sentText(), '');
});

const hasMarker = (text: string) => /\x1b\[20[01]~/.test(text);

test('the markers lose their ESC; other escapes and the text stay', () => {
  assert.is(withoutPasteMarkers('ls\x1b[201~\rrm -rf ~\r'), 'ls[201~\rrm -rf ~\r');
  assert.is(withoutPasteMarkers('a\x1b[200~b'), 'a[200~b');
  assert.is(withoutPasteMarkers('red \x1b[31mtext\x1b[0m, Esc alone \x1b, [201~ without one'), 'red \x1b[31mtext\x1b[0m, Esc alone \x1b, [201~ without one');
  assert.is(withoutPasteMarkers('plain text\nwith lines'), 'plain text\nwith lines');
});

test('no marker is formed again from what is left', () => {
  for (const hidden of ['\x1b\x1b[201~', '\x1b\x1b\x1b[200~x', '\x1b[20\x1b[201~1~', '\x1b[\x1b[201~201~', '\x1b\x1b[201~[201~']) {
    assert.not.ok(hasMarker(withoutPasteMarkers(hidden)), JSON.stringify(hidden));
  }
});

test.run();
