// A moment on a share (the shared page's "until …", the Share dialog's "until …" and "joined …"):
// a link lasts up to a day, so one on another day says its date; it said the time alone, which
// read as today.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { when } from '../../ui/views/format.ts';

test('a moment later today is its time; one tomorrow has its date too', () => {
  const now = new Date(2026, 11, 5, 22, 0, 0).getTime();
  const tonight = new Date(2026, 11, 5, 23, 30, 0).getTime();
  const tomorrow = new Date(2026, 11, 6, 21, 0, 0).getTime();
  assert.is(when(tonight, now), new Date(tonight).toLocaleTimeString());
  const said = when(tomorrow, now);
  assert.ok(said.includes(new Date(tomorrow).toLocaleDateString([], { dateStyle: 'medium' })), said);
  assert.not.ok(when(new Date(2026, 11, 5, 21, 0, 0).getTime(), now).includes('2026'), 'a time today has no date');
});

test.run();
