/**
 * TLS verification, on for every request of the action. Node reads NODE_TLS_REJECT_UNAUTHORIZED
 * at each TLS connection made without an explicit `rejectUnauthorized`: the global fetch the SDK
 * sends everything through, and @actions/http-client (the OIDC token). Removed from the process
 * before anything connects, it turns verification off for none of them; NODE_EXTRA_CA_CERTS and
 * connect-ca still add trust.
 */

const VARIABLE = 'NODE_TLS_REJECT_UNAUTHORIZED';

export const IGNORED_WARNING = `${VARIABLE}=0 is ignored: this action always verifies TLS certificates (trust a CA with NODE_EXTRA_CA_CERTS or connect-ca instead)`;

/** Removes the variable from this process; true when it would have turned verification off. */
export function keepTlsVerification(): boolean {
  const value = process.env[VARIABLE];
  if (value === undefined) return false;
  delete process.env[VARIABLE];
  return value === '0';
}

/** Codes of a certificate that could not be verified. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Final failures of TLS itself: no other attempt can fix them. */
export const TLS_CODES: ReadonlySet<string> = new Set([
  ...CERTIFICATE_CODES,
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * The TLS failure somewhere in `thrown`'s chain of causes, with its own text (fetch hides it
 * under "fetch failed").
 */
export function tlsCause(thrown: unknown): { code: string; message: string } | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.has(code)) return { code, message: current.message };
    current = current.cause;
  }
  return undefined;
}

/** How a TLS failure is worded, by Connect and the SDK alike. */
export function tlsFailure(code: string, detail: string): string {
  return `TLS failure (${code}): ${detail}`;
}

/** OpenSSL's and Node's texts of a certificate refused, for libraries that keep only the text. */
const CERTIFICATE_TEXT =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|certificate is not yet valid|certificate signature failure|does not match certificate's altnames/i;

/** Whether a library's error text says a server's certificate was refused. */
export function isCertificateText(text: string): boolean {
  return CERTIFICATE_TEXT.test(text);
}
