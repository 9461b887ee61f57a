// da06166's start-up check listed what setpriv loads on this machine (the loader's --list, with
// its cache) and accepted when every library resolves into the loader's folder. The privileged
// step runs it otherwise: inside the container, `ld.so --inhibit-cache --library-path FOLDER
// setpriv`, and glibc's loader searches a program's DT_RPATH before --library-path. A setpriv
// built with an RPATH (-Wl,--disable-new-dtags -rpath DIR: old build systems, vendor builds) whose
// DIR does not exist here passes the check, its libraries found in the folder through the cache;
// in a container that makes DIR, the library there is the one loaded, by a setpriv holding every
// capability in its pod: the case the check exists to refuse. Here a stand-in for setpriv (built
// with gcc, linked to this machine's libcap-ng) is checked, then started as the step starts it,
// with the "container's" DIR made after the check.
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suite } from '../../support/test.ts';
import { withTempDir } from '../../support/temp-dir.ts';
import { requireTool } from '../../support/sandbox.ts';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { hostLoader } from '../../../src/sandbox/isolation/privileged-step.ts';
import { listWithLoader, privilegedStepProblem } from '../../../src/sandbox/isolation/privileged-step-check.ts';

const test = suite('the privileged step\'s check and a setpriv with an RPATH', { deadlineMs: 60_000 });

const tools = findIsolationTools();
if ('missing' in tools) throw new Error(tools.missing);
requireTool('/usr/bin/gcc');

test('a setpriv whose RPATH names a folder this machine lacks is refused, or its library there is never loaded', () =>
  withTempDir((dir) => {
    const loader = hostLoader(tools.setpriv)!;
    const capng = listWithLoader(loader, tools.setpriv).find((library) => /libcap-ng\.so/.test(library))!;
    assert.ok(capng, "this machine's setpriv loads libcap-ng");
    const containerLib = join(dir, 'container-lib');
    writeFileSync(join(dir, 'main.c'), 'int main(void) { return 0; }\n');
    const program = join(dir, 'setpriv');
    execFileSync('gcc', ['-o', program, join(dir, 'main.c'), '-Wl,--no-as-needed', capng, `-Wl,--disable-new-dtags,-rpath,${containerLib}`]);

    const problem = privilegedStepProblem(program);

    // what the container then does: a library of the same name in that folder, run as the step runs setpriv
    mkdirSync(containerLib);
    const marker = join(dir, 'ran-with-every-capability');
    writeFileSync(join(dir, 'evil.c'), `#include <stdio.h>\n__attribute__((constructor)) static void run(void) { FILE *f = fopen("${marker}", "w"); if (f) fclose(f); }\n`);
    execFileSync('gcc', ['-shared', '-fPIC', `-Wl,-soname,${capng.split('/').pop()!.replace(/\.so\.(\d+).*$/, '.so.$1')}`, '-o', join(containerLib, 'libcap-ng.so.0'), join(dir, 'evil.c')]);
    execFileSync(loader, ['--inhibit-cache', '--library-path', dirname(loader), program], { env: {} });

    if (problem === undefined) {
      assert.not.ok(existsSync(marker), `the check passed (no problem), and the step's way of starting it loaded ${containerLib}/libcap-ng.so.0, the container's`);
    }
  }));

test('a library found through a link outside the folder (DT_RUNPATH), to a file inside it, is refused, or never taken from the container', () =>
  withTempDir((dir) => {
    // the check takes the library's real path; the loader in the container looks for its NAME in the folder, then in the RUNPATH
    const loader = hostLoader(tools.setpriv)!;
    const capng = listWithLoader(loader, tools.setpriv).find((library) => /libcap-ng\.so/.test(library))!;
    const hostLinks = join(dir, 'host-links'); // on this machine: a link to the library in the loader's folder
    mkdirSync(hostLinks);
    writeFileSync(join(dir, 'stub.c'), 'int stub(void) { return 0; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libcapalias.so.1', '-o', join(dir, 'libcapalias.so.1'), join(dir, 'stub.c')]);
    writeFileSync(join(dir, 'main.c'), 'int main(void) { return 0; }\n');
    const program = join(dir, 'setpriv');
    execFileSync('gcc', ['-o', program, join(dir, 'main.c'), '-Wl,--no-as-needed', join(dir, 'libcapalias.so.1'), `-Wl,--enable-new-dtags,-rpath,${hostLinks}`]);
    execFileSync('ln', ['-s', realpathSync(capng), join(hostLinks, 'libcapalias.so.1')]);

    const problem = privilegedStepProblem(program);

    // in the container, the RUNPATH's folder is the container's: a library of that name there
    rmSync(hostLinks, { recursive: true });
    mkdirSync(hostLinks);
    const marker = join(dir, 'ran-with-every-capability');
    writeFileSync(join(dir, 'evil.c'), `#include <stdio.h>\n__attribute__((constructor)) static void run(void) { FILE *f = fopen("${marker}", "w"); if (f) fclose(f); }\n`);
    execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libcapalias.so.1', '-o', join(hostLinks, 'libcapalias.so.1'), join(dir, 'evil.c')]);
    execFileSync(loader, ['--inhibit-cache', '--library-path', dirname(loader), program], { env: {} });

    if (problem === undefined) {
      assert.not.ok(existsSync(marker), `the check passed (no problem), and the step's way of starting it loaded ${hostLinks}/libcapalias.so.1, the container's`);
    }
  }));

test.run();
