// This browser's terminal settings without a browser: the font size bounded and stepped, a stored
// value that is out of range or garbage read as the default, and which closes ask first.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { closeNeedsConfirm, DEFAULT_PREFERENCES, FONT_SIZE, preferencesStoredElsewhere, readPreferences, steppedFontSize, storePreferences, validFontSize, type Preferences } from '../../ui/state/preferences.ts';
import { sessionRow } from '../support/session-row.ts';
import { memoryStorage } from '../support/memory-storage.ts';

/** A Storage of one map, as localStorage behaves. */

test('the font size is a whole number of pixels from 8 to 32; anything else is the default', () => {
  assert.equal([FONT_SIZE.min, FONT_SIZE.max, FONT_SIZE.default], [8, 32, 13]);
  for (const good of [8, 13, 32]) assert.is(validFontSize(good), good);
  for (const bad of [7, 33, 12.5, NaN, Infinity, -1, '14', null, undefined, {}, 1e9]) assert.is(validFontSize(bad), 13, String(bad));
});

test('Ctrl + and − step by one pixel and stop at the bounds; Ctrl 0 is the default', () => {
  assert.is(steppedFontSize(13, 1), 14);
  assert.is(steppedFontSize(13, -1), 12);
  assert.is(steppedFontSize(32, 1), 32);
  assert.is(steppedFontSize(8, -1), 8);
  assert.is(steppedFontSize(20, 0), 13);
  assert.is(steppedFontSize(999, 1), 14, 'a bad current size steps from the default');
});

const ALL_CHANGED: Preferences = { fontSize: 20, confirmClose: false, copyOnSelect: true, renderer: 'webgl', screenReader: true };
const NAMES = Object.keys(DEFAULT_PREFERENCES) as (keyof Preferences)[];

test('settings read back as written; a stored value out of range or of the wrong kind is the default', () => {
  const storage = memoryStorage();
  assert.equal(readPreferences(storage), DEFAULT_PREFERENCES);
  storePreferences(ALL_CHANGED, NAMES, storage);
  assert.equal(readPreferences(storage), ALL_CHANGED);
  for (const [key, garbage] of [['fontSize', '500'], ['confirmClose', '"no"'], ['copyOnSelect', '1'], ['renderer', '"gpu"'], ['screenReader', 'not json']]) {
    assert.equal(readPreferences(memoryStorage({ [`octant-exec.preferences.${key}`]: garbage })), DEFAULT_PREFERENCES, `${key}: ${garbage}`);
  }
  // the settings as earlier versions stored them: whole, under one key
  const stored = (text: string) => readPreferences(memoryStorage({ 'octant-exec.preferences': text }));
  assert.equal(stored('{"fontSize":500,"confirmClose":"no","copyOnSelect":1,"renderer":"gpu","screenReader":"yes"}'), DEFAULT_PREFERENCES);
  assert.equal(stored('{"fontSize":16,"confirmClose":false}'), { ...DEFAULT_PREFERENCES, fontSize: 16, confirmClose: false });
  assert.is(stored('{"webgl":false}').renderer, 'dom', 'WebGL turned off before the choice of three stays off');
  assert.is(stored('{"webgl":true}').renderer, 'auto');
  for (const garbage of ['not json', '[16]', 'null', '42', '"x"', '{"__proto__":{"fontSize":20}}']) assert.equal(stored(garbage), DEFAULT_PREFERENCES, garbage);
  assert.equal(readPreferences(undefined), DEFAULT_PREFERENCES, 'no storage (denied by the browser)');
});

test("a change stores only the settings it names: another page's change to another one stays", () => {
  const storage = memoryStorage();
  const thisPage = readPreferences(storage);
  storePreferences({ ...readPreferences(storage), confirmClose: false }, ['confirmClose'], storage); // another page
  storePreferences({ ...thisPage, fontSize: 15 }, ['fontSize'], storage); // this page, from its copy read before
  assert.equal(readPreferences(storage), { ...DEFAULT_PREFERENCES, confirmClose: false, fontSize: 15 });
});

test('settings stored whole by an earlier version survive the upgrade; one stored since, under its own key, wins', () => {
  const storage = memoryStorage({ 'octant-exec.preferences': '{"fontSize":16,"confirmClose":false,"copyOnSelect":true,"webgl":false}' });
  const earlier = { ...DEFAULT_PREFERENCES, fontSize: 16, confirmClose: false, copyOnSelect: true, renderer: 'dom' as const };
  assert.equal(readPreferences(storage), earlier);
  storePreferences({ ...earlier, fontSize: 18, renderer: 'auto' }, ['fontSize', 'renderer'], storage);
  assert.equal(readPreferences(storage), { ...earlier, fontSize: 18, renderer: 'auto' });
});

test("another page's change is one to follow, whichever setting's key it stored; other keys are not", () => {
  const storage = memoryStorage({ 'octant-exec.preferences.fontSize': '17' });
  assert.is(preferencesStoredElsewhere({ key: 'octant-exec.preferences.fontSize', storageArea: storage })?.fontSize, 17);
  assert.is(preferencesStoredElsewhere({ key: 'octant-exec.preferences', storageArea: storage })?.fontSize, 17, 'an earlier version of the page, still open');
  for (const key of ['octant-exec.dismissed', null]) assert.is(preferencesStoredElsewhere({ key, storageArea: storage }), undefined, String(key));
});

test('closing asks first only for a process that still runs, and only when the setting says so', () => {
  const ask = DEFAULT_PREFERENCES;
  for (const state of ['connecting', 'interactive', 'idle'] as const) assert.ok(closeNeedsConfirm(sessionRow({ state }), ask), state);
  for (const state of ['exited', 'failed', 'timedOut', 'disconnected'] as const) assert.not.ok(closeNeedsConfirm(sessionRow({ state }), ask), state);
  assert.ok(closeNeedsConfirm(sessionRow({ interactive: false }), ask), 'a running command too');
  assert.not.ok(closeNeedsConfirm(sessionRow({ mode: { kind: 'attach' } }), ask), 'closing an attach detaches: the process goes on');
  assert.not.ok(closeNeedsConfirm(sessionRow({ mode: { kind: 'upload', path: '/tmp' } }), ask), 'Close cancels a transfer');
  assert.not.ok(closeNeedsConfirm(sessionRow(), { ...ask, confirmClose: false }));
});

test.run();
