// docs/api.md and src/protocol/ say the same thing: every message type both ways, every error
// code, the limits a server announces and the fields of GET /api/v1/info, read from a running
// server. A message added on one side and not the other fails here.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { CLIENT_MESSAGE_TYPES, ERROR_CODES, SERVER_MESSAGE_TYPES } from '../../src/protocol/index.ts';
import { call, startTestApp, type TestApp } from './support.ts';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

/** The text of the section under a heading, up to the next heading of any level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/api.md has no heading "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,6} /);
  return end < 0 ? rest : rest.slice(0, end);
}

const typesIn = (text: string) => [...text.matchAll(/^\| `\{type: "(\w+)"/gm)].map((m) => m[1]).sort();

test('every server message is in the "Server → client" table, and nothing else is', () => {
  assert.equal(typesIn(section('### Server → client')), [...SERVER_MESSAGE_TYPES].sort());
});

test('every client message is in the "Client → server" table, and nothing else is', () => {
  assert.equal(typesIn(section('### Client → server')), [...CLIENT_MESSAGE_TYPES].sort());
});

test('the error codes listed are exactly the protocol\'s', () => {
  const text = section('### Server → client');
  const paragraph = /Error codes: ([\s\S]*?)(?:\n\n|$)/.exec(text)?.[1] ?? '';
  const listed = [...paragraph.matchAll(/(?:^|[,:] |\n)`(\w+)`/g)].map((m) => m[1]);
  assert.equal([...new Set(listed)].sort(), [...ERROR_CODES].sort());
});

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after(() => app?.close());

test('the limits and the fields of GET /info are the ones a running server gives', async () => {
  const info = (await call(app, '/api/v1/info')).json as Record<string, unknown>;
  const limits = /^`limits`: `\{([^}]*)\}`/m.exec(section('### Server → client'))?.[1].split(',').map((name) => name.trim()).sort();
  assert.equal(limits, Object.keys(info.limits as object).sort());
  const infoRow = /^\| `GET \/info` \| `\{(.*?)\}`/m.exec(doc)?.[1] ?? '';
  const documented = [...infoRow.matchAll(/(?:^|, )(\w+)/g)].map((m) => m[1]).sort();
  assert.equal(documented, Object.keys(info).sort());
  assert.is(info.maxSessions, 64, 'the limit in force without --max-sessions, not null');
  assert.is(info.maxSessionsPerPerson, null, 'local mode: its one person is held by maxSessions');
  assert.is(info.maxEndedPerPerson, 200, 'the ended limit in force without --max-ended-per-person, in local mode too');
});

test.run();
