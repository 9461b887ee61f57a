// A kubeconfig of one cluster, one user and one context: what the adapter tests dial with.
import { type Cluster, KubeConfig, type User } from '@kubernetes/client-node';

/** `cluster` verifies TLS unless it says otherwise; the user is a bearer token unless given. */
export function oneClusterConfig(cluster: Omit<Cluster, 'name' | 'skipTLSVerify'> & { skipTLSVerify?: boolean }, user: Omit<User, 'name'> & { name?: string } = { token: 'secret' }): KubeConfig {
  const config = new KubeConfig();
  const userName = user.name ?? 'u';
  config.loadFromOptions({
    clusters: [{ skipTLSVerify: false, ...cluster, name: 'c' }],
    users: [{ ...user, name: userName }],
    contexts: [{ name: 'x', cluster: 'c', user: userName }],
    currentContext: 'x',
  });
  return config;
}
