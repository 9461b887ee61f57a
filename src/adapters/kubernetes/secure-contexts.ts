// One TLS context per set of credentials. Node builds one for every connection that brings its
// own CA, certificate and key (parsing them takes a millisecond or two), and an exec opens a
// connection per run: a batch of a hundred built a hundred. Keyed by the material itself (a
// hash of it), so a credential that rotates gets a context of its own.
import { createHash } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';

/** A handful of kubeconfig users at once is plenty; beyond that the oldest is built again when needed. */
const MAX_CONTEXTS = 16;
const contexts = new Map<string, SecureContext>();

type TlsMaterial = Pick<SecureContextOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase'> & { secureContext?: SecureContext };

/** Replaces the options' CA, certificate and key with a shared context made of them. */
export function shareSecureContext(options: TlsMaterial): void {
  const { ca, cert, key, pfx, passphrase } = options;
  if (ca === undefined && cert === undefined && key === undefined && pfx === undefined) return;
  const id = createHash('sha256').update(JSON.stringify([ca, cert, key, pfx, passphrase].map(String))).digest('hex');
  let context = contexts.get(id);
  if (!context) {
    context = createSecureContext({ ca, cert, key, pfx, passphrase });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
    contexts.set(id, context);
  }
  for (const name of ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const) delete options[name];
  options.secureContext = context;
}
