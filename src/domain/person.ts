// A person the server acts for in team mode (docs/team-mode.md): their Kubernetes user name and
// groups, as the sign-in gave them. Every cluster call made for them impersonates both (the API
// server does not look groups up for an impersonated user), and they own what they start.
export interface Person {
  user: string;
  groups: string[];
}

/** Whether a value read from outside (a signed header, a stored session) has a person's shape. */
export function isPerson(value: unknown): value is Person {
  const person = value as Partial<Person> | null;
  return typeof person?.user === 'string' && person.user.length > 0 && Array.isArray(person.groups) && person.groups.every((group) => typeof group === 'string');
}
