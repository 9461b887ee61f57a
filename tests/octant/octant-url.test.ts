// The plugin's address is the base the Exec tab's iframe URL is built on (OCTANT_EXEC_URL +
// "/embed?namespace=…"). An address with a query or a fragment puts "/embed?…" inside that query
// or fragment, so the tab frames octant-exec's main page (which refuses every frame) instead of
// the embed page; one with a user name shows one host and reaches another ("http://127.0.0.1:7788@host").
// Such an address is refused when the plugin is written, as a non-http one is.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { checkServerUrl } from '../../src/octant/plugin-file.ts';
import { embedUrl } from '../../src/octant/embed-url.ts';

test('an address with a query, a fragment or a user name is refused', () => {
  for (const url of ['http://127.0.0.1:7788/?x=1', 'http://127.0.0.1:7788#top', 'http://127.0.0.1:7788@exec.example', 'https://u:p@exec.example']) {
    assert.throws(() => checkServerUrl(url), /must be an http\(s\) URL/, url);
  }
});

test('an address the platform cannot parse, or with a port out of range, is refused with a sentence that says what to check', () => {
  for (const url of ['http://[::1', 'http://127.0.0.1:99999', 'http://:7788', 'https://exec.example:65536']) {
    assert.throws(() => checkServerUrl(url), (e: Error) => e.message === `the octant-exec address ${JSON.stringify(url)} is not a valid URL: check its host (an IPv6 one in brackets, [::1]) and its port (1 to 65535)`, url);
  }
  assert.throws(() => checkServerUrl('http://127.0.0.1:0'), /has port 0: give the port octant-exec listens on/);
  assert.not.throws(() => checkServerUrl('http://127.0.0.1:65535'));
});

test('the addresses the docs name are taken, and the iframe URL built on them is the embed page', () => {
  for (const url of ['http://127.0.0.1:7788', 'http://127.0.0.1:7788/', 'https://exec.example:9443', 'http://[::1]:7788', 'http://localhost:7788']) {
    assert.not.throws(() => checkServerUrl(url), url);
    const framed = new URL(embedUrl(url, 'default', 'web', 'shell'));
    assert.is(framed.pathname, '/embed', url);
    assert.is(framed.searchParams.get('pod'), 'web');
  }
});

test.run();
