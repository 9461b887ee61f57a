// A terminal's input queue (ui/terminal/input-queue.ts) against a socket that holds what it is
// given until told: Stop pasting leaves the program out of paste mode whatever still waited,
// and sends no end marker when the paste's end already went. What a paste may carry out
// (withoutPasteMarkers): never bracketed paste's own markers, however hidden, and the rest as pasted.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { InputQueue, PASTE_PIECE, withoutPasteMarkers, type InputProgress } from '../../ui/terminal/input-queue.ts';

/** A socket that sends nothing until `send(bytes)`; it tells the queue what it still holds. `owesEnd`: as InputQueue's. */
function heldSocket(owesEnd = false) {
  let queue: Uint8Array = new Uint8Array(0);
  const sent: number[] = [];
  const utf8 = new TextEncoder();
  let linkDown = false;
  const socket = {
    input: (text: string) => {
      if (linkDown) return false; // reconnecting: the socket takes nothing
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
  const input = new InputQueue(socket, owesEnd);
  return {
    input,
    /** the socket sends `n` bytes (all when not given) */
    send: (n = queue.length) => {
      for (const byte of queue.subarray(0, n)) sent.push(byte); // not spread: a paste is too many arguments
      queue = queue.subarray(n);
      input.socketPending(queue.length);
    },
    sentText: () => new TextDecoder().decode(new Uint8Array(sent)),
    /** the link goes: what the socket held is dropped, and it takes nothing until `linkUp` */
    linkGoes: () => {
      linkDown = true;
      queue = new Uint8Array(0);
      input.socketPending(0, true);
    },
    linkUp: () => {
      linkDown = false;
    },
  };
}

/** every progress the queue tells, in order */
function progressOf(input: InputQueue) {
  const told: (InputProgress | undefined)[] = [];
  input.onProgress((progress) => told.push(progress));
  return told;
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

test('the link going in the middle of a paste: its progress says it was cut short where it stood, and nothing more goes', async () => {
  const { input, send, sentText, linkGoes, linkUp } = heldSocket();
  const told = progressOf(input);
  const total = 20 * PASTE_PIECE;
  input.paste('d'.repeat(total), false);
  await settle();
  send(PASTE_PIECE); // one piece went; more waits in the socket and in the queue
  await settle();
  linkGoes();
  await settle();
  const last = told.at(-1);
  assert.ok(last?.cut, `cut short, not done: ${JSON.stringify(last)}`);
  assert.ok(last.sent >= PASTE_PIECE && last.sent < total, `where it stood: ${last.sent} of ${total}`);
  linkUp();
  input.type('x'); // typed once the link is back: goes at once, nothing of the paste before it
  send();
  assert.is(sentText(), 'd'.repeat(PASTE_PIECE) + 'x');
  assert.ok(told.at(-1)?.cut, 'the notice stays until a new paste');
});

test('a bracketed paste cut short in the middle: the next input starts with the end marker the program waits for', async () => {
  const { input, send, sentText, linkGoes, linkUp } = heldSocket();
  input.paste('g'.repeat(3 * PASTE_PIECE), true);
  await settle();
  send(PASTE_PIECE); // the start marker and some of it went: the program is in paste mode
  await settle();
  linkGoes();
  linkUp();
  input.type('echo hi\r');
  send();
  const text = sentText();
  assert.ok(text.startsWith('\x1b[200~'), 'the paste began');
  assert.ok(text.endsWith('\x1b[201~echo hi\r'), `then ended, before what was typed: ${JSON.stringify(text.slice(-20))}`);
  assert.is(text.split('\x1b[201~').length - 1, 1, 'once');
});

test('a bracketed paste cut short before its start marker went: no end marker owed', async () => {
  const { input, send, sentText, linkGoes, linkUp } = heldSocket();
  input.paste('h'.repeat(3 * PASTE_PIECE), true);
  await settle();
  linkGoes(); // all of it still in the socket: dropped
  linkUp();
  input.type('x');
  send();
  assert.is(sentText(), 'x');
});

test('a paste cut short is told to each new listener until dismissed, and a new paste replaces it', async () => {
  const { input, send, linkGoes, linkUp } = heldSocket();
  input.paste('i'.repeat(4 * PASTE_PIECE), false);
  await settle();
  send(PASTE_PIECE);
  await settle();
  linkGoes();
  const later = progressOf(input); // a panel shown again (another tab was): it hears the cut at once
  assert.ok(later[0]?.cut, JSON.stringify(later));
  input.dismissCut();
  assert.is(later.at(-1), undefined, 'dismissed: the notice goes');
  assert.equal(progressOf(input), [], 'and no new listener hears of it');
  linkUp();
  linkGoes();
  const again = progressOf(input);
  linkUp();
  input.paste('j'.repeat(2 * PASTE_PIECE), false);
  await settle();
  assert.ok(again.length > 0 && !again.at(-1)?.cut, 'a new paste shows its progress');
});

test('the end marker owed goes to a queue that takes the place of the one that owed it, and not to a new run', async () => {
  const first = heldSocket();
  first.input.paste('k'.repeat(3 * PASTE_PIECE), true);
  await settle();
  first.send(PASTE_PIECE);
  await settle();
  first.linkGoes();
  assert.ok(first.input.owesEnd, 'owed');
  const next = heldSocket(first.input.owesEnd); // the page left the pod and came back: a new session
  next.input.type('ls\r');
  next.send();
  assert.is(next.sentText(), '\x1b[201~ls\r');
  const restarted = heldSocket(true);
  restarted.input.forgetEnd(); // the terminal's next run
  restarted.input.type('ls\r');
  restarted.send();
  assert.is(restarted.sentText(), 'ls\r');
});

test('settled once nothing is on its way: typed keys that went, or a link that dropped them', async () => {
  const sent = heldSocket();
  let settledAfterSend = 0;
  sent.input.type('typed, not a paste');
  sent.input.whenSettled(() => settledAfterSend++);
  assert.is(settledAfterSend, 0, 'still in the socket');
  sent.send();
  assert.is(settledAfterSend, 1);
  const dropped = heldSocket();
  let settledAfterLoss = 0;
  dropped.input.type('typed, then lost');
  dropped.input.whenSettled(() => settledAfterLoss++);
  dropped.linkGoes();
  assert.is(settledAfterLoss, 1, 'no paste to say was cut, settled all the same');
  const idle = heldSocket();
  let settledAtOnce = 0;
  idle.input.whenSettled(() => settledAtOnce++);
  assert.is(settledAtOnce, 1, 'nothing on its way: at once');
});

test('a paste while the link is down: cut short at none of it', async () => {
  const { input, sentText, linkGoes, send } = heldSocket();
  const told = progressOf(input);
  linkGoes();
  input.paste('e'.repeat(2 * PASTE_PIECE), false);
  await settle();
  send();
  assert.equal(told.at(-1), { sent: 0, total: 2 * PASTE_PIECE, cut: true });
  assert.is(sentText(), '');
});

test('a paste that went whole, then the link goes: done, not cut', async () => {
  const { input, send, linkGoes } = heldSocket();
  const told = progressOf(input);
  input.paste('f'.repeat(2 * PASTE_PIECE), false);
  for (let turn = 0; turn < 4; turn++) {
    await settle();
    send();
  }
  assert.is(told.at(-1), undefined, 'done');
  assert.ok(told.some((progress) => progress && !progress.cut), 'after a progress line');
  linkGoes();
  assert.is(told.at(-1), undefined, 'still done');
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
