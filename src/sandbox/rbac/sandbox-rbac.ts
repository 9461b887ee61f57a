// Every RBAC object the sandbox evaluates: the roles every cluster starts with, then the
// fixture's own objects, then those of the fixture's YAML files.
import type { SandboxFixture } from '../fixture/fixture.ts';
import { BUILT_IN_RBAC } from './built-in-rbac.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import { loadRbacFile } from './rbac-files.ts';
import { checkRbacObject } from './rbac-check.ts';

export function sandboxRbac(fixture: SandboxFixture): RbacAuthorizer {
  return new RbacAuthorizer([
    ...BUILT_IN_RBAC,
    ...(fixture.rbac ?? []).map((manifest, i) => {
      const source = `the fixture's rbac[${i}]`;
      return { object: checkRbacObject(manifest, source), source };
    }),
    ...(fixture.rbacFiles ?? []).flatMap(loadRbacFile),
  ]);
}
