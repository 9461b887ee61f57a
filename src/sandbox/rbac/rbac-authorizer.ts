// Kubernetes RBAC over a fixed set of objects, aggregated ClusterRoles filled as the controller
// fills them: the ClusterRoleBindings first, then the RoleBindings of the request's namespace;
// the first rule that allows wins, and nothing denies.
// A binding whose role does not exist grants nothing and is named in the refusal's reason, as the
// API server does (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
import type { UserInfo } from '../auth/user-info.ts';
import { serviceAccountUsername } from '../auth/user-info.ts';
import type { Attributes } from './attributes.ts';
import type { Authorizer, Decision } from './authorizer.ts';
import { isBinding, type Binding, type PolicyRule, type RbacObject, type Role, type Subject } from './rbac-types.ts';
import { ruleAllows } from './rule-matching.ts';
import { withAggregatedRules } from './role-aggregation.ts';

/** An RBAC object and where it came from, for errors that name both copies of a duplicate. */
export interface SourcedObject {
  object: RbacObject;
  source: string;
}

export class RbacAuthorizer implements Authorizer {
  private readonly roles = new Map<string, Role>();
  private readonly clusterBindings: Binding[] = [];
  private readonly bindingsByNamespace = new Map<string, Binding[]>();

  constructor(objects: SourcedObject[]) {
    const sources = new Map<string, string>();
    for (const { object, source } of objects) {
      const key = objectKey(object.kind, object.metadata.namespace, object.metadata.name);
      const earlier = sources.get(key);
      if (earlier) throw new Error(`RBAC: ${object.kind} "${object.metadata.name}" is defined twice: in ${earlier} and in ${source}`);
      sources.set(key, source);
      if (!isBinding(object)) this.roles.set(key, object);
      else if (object.kind === 'ClusterRoleBinding') this.clusterBindings.push(object);
      else {
        const list = this.bindingsByNamespace.get(object.metadata.namespace!) ?? [];
        list.push(object);
        this.bindingsByNamespace.set(object.metadata.namespace!, list);
      }
    }
    for (const role of withAggregatedRules([...this.roles.values()])) this.roles.set(objectKey(role.kind, role.metadata.namespace, role.metadata.name), role);
  }

  authorize(user: UserInfo, attributes: Attributes): Decision {
    const errors: string[] = [];
    const namespace = attributes.resourceRequest ? attributes.namespace : '';
    const bindings = [...this.clusterBindings, ...(namespace ? (this.bindingsByNamespace.get(namespace) ?? []) : [])];
    for (const binding of bindings) {
      const subject = binding.subjects.find((s) => appliesTo(s, user, binding.metadata.namespace ?? ''));
      if (!subject) continue;
      const rules = this.rulesOf(binding, errors);
      if (rules.some((rule) => ruleAllows(attributes, rule))) return { decision: 'allow', reason: `RBAC: allowed by ${describe(binding, subject)}` };
    }
    return { decision: 'noOpinion', reason: errors.length === 0 ? '' : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` };
  }

  private rulesOf(binding: Binding, errors: string[]): PolicyRule[] {
    const { kind, name } = binding.roleRef;
    const role = this.roles.get(objectKey(kind, kind === 'Role' ? binding.metadata.namespace : undefined, name));
    if (!role) errors.push(`${kind.toLowerCase()}.rbac.authorization.k8s.io "${name}" not found`);
    return role?.rules ?? [];
  }
}

const objectKey = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

function appliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding may leave out its own namespace for service accounts that live there.
      const namespace = subject.namespace ?? bindingNamespace;
      return namespace !== '' && serviceAccountUsername(namespace, subject.name) === user.username;
    }
  }
}

/** The API server's wording of what allowed a request, e.g. `RoleBinding "dev/default" of Role "pod-exec" to Group "dev"`. */
function describe(binding: Binding, subject: Subject): string {
  const bindingName = binding.kind === 'RoleBinding' ? `${binding.metadata.name}/${binding.metadata.namespace}` : binding.metadata.name;
  const subjectName = subject.kind === 'ServiceAccount' ? `${subject.name}/${subject.namespace ?? binding.metadata.namespace ?? ''}` : subject.name;
  return `${binding.kind} "${bindingName}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${subject.kind} "${subjectName}"`;
}
