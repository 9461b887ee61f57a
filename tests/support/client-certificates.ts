// Client certificates for kubeconfig users (CN = the user's name), signed by a CA of their own:
// what a cluster that authenticates by certificate checks. On WebCrypto, like the sandbox's TLS,
// so the same code runs under Node and Deno.
import 'reflect-metadata'; // @peculiar/x509's tsyringe needs the Reflect metadata API: load it first
import * as x509 from '@peculiar/x509';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface ClientCertificates {
  caPem: string;
  people: Record<string, { certPem: string; keyPem: string }>;
}

export async function clientCertificates(names: string[]): Promise<ClientCertificates> {
  x509.cryptoProvider.set(globalThis.crypto);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const caKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=test client CA',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const people: ClientCertificates['people'] = {};
  for (const name of names) {
    const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${name}`,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    });
    people[name] = { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
  }
  return { caPem: ca.toString('pem'), people };
}
