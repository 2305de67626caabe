/** SSH keys: 1Password stores them as PKCS#8 PEM; `?ssh-format=openssh` asks for OpenSSH's own format. */
import sshpk from 'sshpk';
import { Code, SecretsError } from './errors.ts';

export function toOpenSsh(pkcs8: string, fieldName: string): string {
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
