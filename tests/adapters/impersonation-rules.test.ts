// The rules under team mode's cluster calls, without a cluster: which people can be sent as
// impersonation headers and how they are written, and how "may I" answers are kept.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addImpersonation, impersonationHeaders, personKey, personProblem } from '../../src/adapters/kubernetes/impersonation.ts';
import { AccessAnswers, accessAnswer, accessCheckProblem, permissionText } from '../../src/adapters/kubernetes/access-review.ts';
import type { AccessAnswer } from '../../src/adapters/cluster.ts';

test('a person is refused when a name or group is empty, holds a control character (C0, DEL, C1) or a space at either end', () => {
  assert.is(personProblem({ user: 'alice', groups: ['dev', 'a, b', 'Zoë'] }), undefined);
  for (const bad of ['a\rb', 'a\nb', 'a\tb', 'a\u0000', 'a\u007f', 'a\u0085']) {
    assert.match(personProblem({ user: bad, groups: [] }) ?? '', 'control character', JSON.stringify(bad));
    assert.match(personProblem({ user: 'alice', groups: ['dev', bad] }) ?? '', 'control character', JSON.stringify(bad));
  }
  assert.match(personProblem({ user: '', groups: [] }) ?? '', 'no user name');
  assert.match(personProblem({ user: 'alice', groups: [''] }) ?? '', 'empty');
  // the last guard, whatever the person came through (a session cookie from before sign-in refused them): the header would drop the space
  assert.match(personProblem({ user: ' system:admin', groups: [] }) ?? '', 'starts or ends with a space');
  assert.match(personProblem({ user: 'alice', groups: ['dev', ' system:masters'] }) ?? '', 'starts or ends with a space');
  assert.match(personProblem({ user: 'alice', groups: ['system:masters '] }) ?? '', 'starts or ends with a space');
  assert.is(personProblem({ user: 'Alice Smith', groups: ['Site Reliability'] }), undefined, 'a space within a name is sent as it is');
});

test("headers: one Impersonate-Group per group, none without groups; the kubeconfig's own impersonation replaced", () => {
  assert.equal(impersonationHeaders({ user: 'alice', groups: ['dev', 'a, b'] }), { 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'a, b'] });
  assert.equal(impersonationHeaders({ user: 'alice', groups: [] }), { 'Impersonate-User': 'alice' });
  const options = { headers: { Authorization: 'Bearer t', 'impersonate-user': 'admin', 'Impersonate-Group': 'system:masters' } };
  addImpersonation(options, { user: 'bob', groups: [] });
  assert.equal(options.headers, { Authorization: 'Bearer t', 'Impersonate-User': 'bob' });
});

test('names beyond Latin-1 reach the wire as their UTF-8 bytes, each group on its own header line', async () => {
  const seen = await new Promise<{ user: string; groups: string[] }>((resolve, reject) => {
    const server = createServer((req, res) => {
      const raw = req.rawHeaders; // name, value, name, value…, one pair per line, as Latin-1
      const pairs: [string, string][] = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), Buffer.from(raw[i + 1], 'latin1').toString('utf8')]);
      res.end();
      server.close();
      resolve({ user: pairs.find(([n]) => n === 'impersonate-user')![1], groups: pairs.filter(([n]) => n === 'impersonate-group').map(([, v]) => v) });
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const options = { headers: {} };
      addImpersonation(options, { user: '李雷', groups: ['développeurs', 'a, b'] });
      request({ port, host: '127.0.0.1', ...options }).on('error', reject).end();
    });
  });
  assert.equal(seen, { user: '李雷', groups: ['développeurs', 'a, b'] });
});

test('one key per person, whatever the order of their groups', () => {
  assert.is(personKey({ user: 'a', groups: ['x', 'y'] }), personKey({ user: 'a', groups: ['y', 'x'] }));
  assert.is.not(personKey({ user: 'a', groups: ['x'] }), personKey({ user: 'a', groups: [] }));
  assert.is.not(personKey({ user: 'a,b', groups: [] }), personKey({ user: 'a', groups: ['b'] }));
  assert.is(personKey(undefined), '');
});

test('access checks: names and words checked; the permission in kubectl words; the sentence for each answer', () => {
  const check = { namespace: 'default', verb: 'create', resource: 'pods', subresource: 'exec' };
  assert.is(accessCheckProblem(check), undefined);
  assert.ok(accessCheckProblem({ ...check, namespace: '../x' }));
  assert.ok(accessCheckProblem({ ...check, verb: 'Create' }));
  assert.ok(accessCheckProblem({ ...check, subresource: 'exec\r\n' }));
  assert.is(permissionText(check), 'create pods/exec in namespace "default"');
  assert.is(permissionText({ namespace: 'x', verb: 'list', resource: 'pods' }), 'list pods in namespace "x"');
  assert.equal(accessAnswer(check, { allowed: true }), { allowed: true, reason: 'Allowed: create pods/exec in namespace "default".' });
  assert.match(accessAnswer(check, { allowed: false }).reason, 'Not allowed: this needs create pods/exec in namespace "default".');
  assert.match(accessAnswer(check, { allowed: false, evaluationError: 'webhook down' }).reason, 'The cluster said: webhook down');
});

test('answers: kept for the keep time, shared while coming, failures not kept, the oldest dropped past the bound', async () => {
  let now = 0;
  let asked = 0;
  const answers = new AccessAnswers({ keepMs: 10_000, maxKept: 3, now: () => now });
  const yes = (): Promise<AccessAnswer> => {
    asked++;
    return Promise.resolve({ allowed: true, reason: 'ok' });
  };
  const first = answers.answer('a', yes);
  assert.is(answers.answer('a', yes), first, 'a question asked while its answer comes shares it');
  await first;
  now = 9_999;
  await answers.answer('a', yes);
  assert.is(asked, 1);
  now = 10_000;
  await answers.answer('a', yes);
  assert.is(asked, 2, 'asked again once kept 10 s');
  await answers.answer('b', () => Promise.reject(new Error('503'))).catch(() => {});
  await answers.answer('b', yes);
  assert.is(asked, 3, 'a failure was not kept');
  for (const key of ['c', 'd', 'e']) await answers.answer(key, yes);
  assert.is(answers.size, 3, 'bounded');
  await answers.answer('a', yes);
  assert.is(asked, 7, 'the oldest went first');
});

test.run();
