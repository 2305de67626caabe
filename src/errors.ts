/** The error codes of the contract; every failure the action reports carries one. */
export const Code = {
  configInvalid: 'SECRETS_CONFIG_INVALID',
  providerUnavailable: 'SECRETS_PROVIDER_UNAVAILABLE',
  refInvalid: 'SECRETS_REF_INVALID',
  refNotFound: 'SECRETS_REF_NOT_FOUND',
  refAmbiguous: 'SECRETS_REF_AMBIGUOUS',
  accessDenied: 'SECRETS_ACCESS_DENIED',
} as const;

export type ErrorCode = (typeof Code)[keyof typeof Code];

/**
 * A failure with its contract code. `secret` names the secret it belongs to, if any;
 * a failure without one concerns the whole run (one annotation, not one per secret).
 */
export class SecretsError extends Error {
  readonly code: ErrorCode;
  readonly secret: string | undefined;
  /** The reference as it may be shown (never a value). */
  readonly ref: string | undefined;

  constructor(code: ErrorCode, message: string, secret?: string, ref?: string) {
    super(message);
    this.name = 'SecretsError';
    this.code = code;
    this.secret = secret;
    this.ref = ref;
  }

  /** The same failure, attributed to a secret and its reference. */
  forSecret(secret: string, ref?: string): SecretsError {
    return new SecretsError(this.code, this.message, secret, ref);
  }
}

/** The provider as a whole is unusable: reported once, never per secret. */
export function providerUnavailable(message: string): SecretsError {
  return new SecretsError(Code.providerUnavailable, message);
}

/** Text of anything thrown, `Error` or not. */
export function describe(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** Fixed remediation hints, kept in one place so messages stay consistent. */
export const Hint = {
  connectToken: 'check connect-token or OP_CONNECT_TOKEN',
  serviceAccountToken: 'check service-account-token or OP_SERVICE_ACCOUNT_TOKEN',
  integrationKey: 'check integration-key or OP_INTEGRATION_KEY',
  workloadIdentity:
    'check workload-id or OP_WORKLOAD_ID and integration-key or OP_INTEGRATION_KEY, and that the workload is set up for this repository in 1Password',
  connectHost: 'check connect-host or OP_CONNECT_HOST and that the server is running',
  connectCa: 'check connect-ca, NODE_EXTRA_CA_CERTS or the system trust store',
  tlsTrust: 'check NODE_EXTRA_CA_CERTS or the system trust store',
  nameRule: 'names must match ^[A-Za-z_][A-Za-z0-9_]*$',
  refForm: 'write op://<vault>/<item>/<field> or op://<vault>/<item>/<section>/<field>',
} as const;
