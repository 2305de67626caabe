/** SSH keys: 1Password stores them as PKCS#8 PEM; `?ssh-format=openssh` asks for OpenSSH's own format. */
import { Code, SecretsError } from './errors.ts';

export async function toOpenSsh(pkcs8: string, fieldName: string): Promise<string> {
  // Loaded on demand: most runs convert no key.
  const { default: sshpk } = await import('sshpk');
  try {
    return sshpk.parsePrivateKey(pkcs8, 'pem').toString('openssh');
  } catch {
    // The library's message may quote key material: say only what failed.
    throw new SecretsError(
      Code.refInvalid,
      `the SSH key in field ${fieldName} cannot be converted to OpenSSH format`,
    );
  }
}
