/** Which certificates the Connect client trusts: Node's own roots, the system store, connect-ca. */
import { X509Certificate } from 'node:crypto';
import { getCACertificates } from 'node:tls';
import { Code, SecretsError } from '../errors.ts';
import { type Place, readInputFile } from '../input-file.ts';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** connect-ca: PEM text, or the path of a PEM file as `place` reads it; every certificate must parse. */
export function extraCertificates(value: string, place: Place): string[] {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    // Not PEM text, so a path: a regular file of at most 1 MiB, refused before it is opened.
    text = readInputFile('connect-ca', value, place);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new SecretsError(
      Code.configInvalid,
      'connect-ca holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    );
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new SecretsError(
        Code.configInvalid,
        `connect-ca: certificate ${index + 1} cannot be parsed`,
      );
    }
  }
  return blocks;
}

/** Node's bundled roots with NODE_EXTRA_CA_CERTS, the system store, and connect-ca. */
export function trustedCertificates(extra: readonly string[]): string[] {
  let system: readonly string[] = [];
  try {
    system = getCACertificates('system');
  } catch {
    // No readable system store: the bundled roots and the extra certificates still apply.
  }
  return [...new Set([...getCACertificates('default'), ...system, ...extra])];
}
