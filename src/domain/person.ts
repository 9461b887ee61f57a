// A person the server acts for in team mode (docs/team-mode.md): their Kubernetes user name and
// groups, as the sign-in gave them. Every cluster call made for them impersonates both (the API
// server does not look groups up for an impersonated user), and they own what they start.
export interface Person {
  user: string;
  groups: string[];
}
