// Local mode's token in a URL's fragment, without a browser (src/protocol/token-fragment.ts): a
// --token-file token may be base64, with `+`, `/` and `=`. Read as a form (URLSearchParams), a
// `+` typed into the URL by hand became a space, and no such token could sign in; and a whole
// URL pasted in the Token field was sent as the token.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { fragmentToken, pastedToken, tokenUrl } from '../../src/protocol/token-fragment.ts';

const base64 = 'q+8/Zr1K+2vX9w/T0pLm+Yx3Ue8aN5dC4fBh7sQe0Jk=';

test('a token with + / = goes into the URL percent-encoded, and comes out of its fragment whole', () => {
  const url = tokenUrl('http://127.0.0.1:7788/', base64);
  assert.is(url, `http://127.0.0.1:7788/#token=${encodeURIComponent(base64)}`);
  assert.match(url.split('#token=')[1], /^[A-Za-z0-9%_-]+$/, 'nothing a reader could take another way: no +, / or =');
  assert.is(fragmentToken(new URL(url).hash), base64);
});

test('a fragment written by hand: a literal + stays a +, %2B is one too, other keys are passed over', () => {
  assert.is(fragmentToken(`#token=${base64}`), base64);
  assert.is(fragmentToken(`#token=${base64.replace(/\+/g, '%2B')}`), base64);
  assert.is(fragmentToken(`#x=1&token=${encodeURIComponent(base64)}&y=2`), base64);
  assert.is(fragmentToken('#x=1'), undefined);
  assert.is(fragmentToken(''), undefined);
  assert.is(fragmentToken('#token=50%'), '50%', 'a stray % is sent as it is, for the server to refuse');
});

test('what is pasted in the Token field: the whole printed URL, or its #token= part, gives its token; a token alone is kept as it is', () => {
  assert.is(pastedToken(`  ${tokenUrl('https://exec.example.com/', base64)}\n`), base64);
  assert.is(pastedToken(`#token=${base64}`), base64);
  assert.is(pastedToken(` ${base64} `), base64);
  assert.is(pastedToken('http://127.0.0.1:7788/#'), 'http://127.0.0.1:7788/#', 'no token in it: sent as given, for the server to refuse');
});

test.run();
