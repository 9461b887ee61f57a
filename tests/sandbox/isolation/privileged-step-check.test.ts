// Start-up refuses isolation where setpriv, which each exec runs with every capability in its pod,
// would load a library from outside its loader's folder (a musl host, Nix): inside a container
// that library would be the container's to choose (src/sandbox/isolation/privileged-step-check.ts).
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { hostLoader } from '../../../src/sandbox/isolation/privileged-step.ts';
import { listWithLoader, privilegedStepProblem, type LibraryLister } from '../../../src/sandbox/isolation/privileged-step-check.ts';
import { withTempDir } from '../../support/temp-dir.ts';

const tools = findIsolationTools();
if ('missing' in tools) throw new Error(tools.missing);

test("this machine's setpriv loads its libraries from its loader's folder: no problem", () => {
  let listed: string[] = [];
  const watched: LibraryLister = (loader, program) => (listed = listWithLoader(loader, program));
  assert.is(privilegedStepProblem(tools.setpriv, watched), undefined);
  assert.ok(listed.some((library) => /libc\.so/.test(library)), `what it loads was listed: ${listed.join(', ')}`);
});

test('a library from another folder is refused, naming it and the way out', () =>
  withTempDir((dir) => {
    const library = join(dir, 'libcap-ng.so.0');
    writeFileSync(library, '');
    const problem = privilegedStepProblem(tools.setpriv, () => [library]);
    assert.ok(problem?.includes(library), problem);
    assert.match(problem!, /--sandbox-unisolated/);
  }));

test('a loader that cannot list them is refused too', () => {
  const problem = privilegedStepProblem(tools.setpriv, () => {
    throw new Error('unknown option --list');
  });
  assert.match(problem!, /cannot tell which libraries .* unknown option --list/);
  assert.ok(hostLoader(tools.setpriv), 'setpriv here is linked dynamically');
});

test.run();
