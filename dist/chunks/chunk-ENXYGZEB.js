import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));

// src/tls.ts
var VARIABLE = "NODE_TLS_REJECT_UNAUTHORIZED";
var IGNORED_WARNING = `${VARIABLE}=0 is ignored: this action always verifies TLS certificates (trust a CA with NODE_EXTRA_CA_CERTS or connect-ca instead)`;
function keepTlsVerification() {
  const value = process.env[VARIABLE];
  if (value === void 0) return false;
  delete process.env[VARIABLE];
  return value === "0";
}
var CERTIFICATE_CODES = /* @__PURE__ */ new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "ERR_TLS_CERT_ALTNAME_INVALID"
]);
var TLS_CODES = /* @__PURE__ */ new Set([
  ...CERTIFICATE_CODES,
  "ERR_SSL_WRONG_VERSION_NUMBER"
]);
function tlsCause(thrown) {
  let current = thrown;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = current.code;
    if (typeof code === "string" && TLS_CODES.has(code)) return { code, message: current.message };
    current = current.cause;
  }
  return void 0;
}
function tlsFailure(code, detail) {
  return `TLS failure (${code}): ${detail}`;
}
var CERTIFICATE_TEXT = /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|certificate is not yet valid|certificate signature failure|does not match certificate's altnames/i;
function isCertificateText(text) {
  return CERTIFICATE_TEXT.test(text);
}

export {
  IGNORED_WARNING,
  keepTlsVerification,
  TLS_CODES,
  tlsCause,
  tlsFailure,
  isCertificateText
};
