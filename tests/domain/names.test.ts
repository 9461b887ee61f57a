import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { isValidName, nameProblem } from '../../src/domain/names.ts';

const test = suite('Kubernetes names');

test('valid names pass', () => {
  assert.ok(isValidName('namespace', 'kube-system'));
  assert.ok(isValidName('pod', 'web-7d9f8.abc'));
  assert.ok(isValidName('container', 'nginx'));
  assert.ok(isValidName('pod', 'a'.repeat(253).replace(/^(.{63})/, '$1.').slice(0, 253)));
});

test('slashes, dots in labels, spaces, uppercase and long names are refused with a sentence', () => {
  for (const bad of ['a/b', '..', '../etc', 'has space', 'Web', 'a_b', 'x'.repeat(254), '', '-lead', 'trail-', 'a..b']) {
    assert.ok(nameProblem('pod', bad), `pod ${JSON.stringify(bad)}`);
  }
  assert.ok(nameProblem('namespace', 'a.b'), 'namespaces have no dots');
  assert.ok(nameProblem('container', 'x'.repeat(64)));
  assert.ok(nameProblem('pod', 42));
  assert.match(nameProblem('pod', 'Web')!, /lowercase/);
});

test.run();
