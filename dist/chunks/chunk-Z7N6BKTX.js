import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));

// src/errors.ts
var Code = {
  configInvalid: "SECRETS_CONFIG_INVALID",
  providerUnavailable: "SECRETS_PROVIDER_UNAVAILABLE",
  refInvalid: "SECRETS_REF_INVALID",
  refNotFound: "SECRETS_REF_NOT_FOUND",
  refAmbiguous: "SECRETS_REF_AMBIGUOUS",
  accessDenied: "SECRETS_ACCESS_DENIED"
};
var SecretsError = class _SecretsError extends Error {
  code;
  secret;
  /** The reference as it may be shown (never a value). */
  ref;
  constructor(code, message, secret, ref) {
    super(message);
    this.name = "SecretsError";
    this.code = code;
    this.secret = secret;
    this.ref = ref;
  }
  /** The same failure, attributed to a secret and its reference. */
  forSecret(secret, ref) {
    return new _SecretsError(this.code, this.message, secret, ref);
  }
};
function providerUnavailable(message) {
  return new SecretsError(Code.providerUnavailable, message);
}
function describe(thrown) {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === "string") return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}
var Hint = {
  connectToken: "check connect-token or OP_CONNECT_TOKEN",
  serviceAccountToken: "check service-account-token or OP_SERVICE_ACCOUNT_TOKEN",
  integrationKey: "check integration-key or OP_INTEGRATION_KEY",
  workloadIdentity: "check workload-id or OP_WORKLOAD_ID and integration-key or OP_INTEGRATION_KEY, and that the workload is set up for this repository in 1Password",
  connectHost: "check connect-host or OP_CONNECT_HOST and that the server is running",
  connectCa: "check connect-ca, NODE_EXTRA_CA_CERTS or the system trust store",
  tlsTrust: "check NODE_EXTRA_CA_CERTS or the system trust store",
  nameRule: "names must match ^[A-Za-z_][A-Za-z0-9_]*$",
  refForm: "write op://<vault>/<item>/<field> or op://<vault>/<item>/<section>/<field>"
};

export {
  Code,
  SecretsError,
  providerUnavailable,
  describe,
  Hint
};
