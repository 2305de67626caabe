/** Picks the way to reach 1Password from the inputs, and opens it. */

import { Code, providerUnavailable, SecretsError } from '../errors.ts';
import { type DirectoryDoor, stepDirectory } from '../files.ts';
import type { Inputs } from '../inputs.ts';
import { hasControlCharacter } from '../refs.ts';
import type { Runner } from '../runner.ts';
import { DEFAULT_POLICY } from './retry.ts';
import type { SecretSource } from './source.ts';

export type Mode = 'connect' | 'service-account' | 'workload-identity' | 'cli';

const WORKLOAD_ID = 'workload-id (or OP_WORKLOAD_ID)';
const INTEGRATION_KEY = 'integration-key (or OP_INTEGRATION_KEY)';

/** The settings that say how to reach 1Password (the configure sub-action checks them too). */
export type Settings = Pick<
  Inputs,
  | 'authMode'
  | 'serviceAccountToken'
  | 'connectHost'
  | 'connectToken'
  | 'workloadId'
  | 'integrationKey'
>;

/**
 * Workload-identity settings beside a service-account token or Connect settings, only some of
 * them, or beside another explicit auth-mode: the step is ambiguous, so it stops before anything.
 */
export function settingsProblems(inputs: Settings): SecretsError[] {
  const workload = [
    inputs.workloadId === undefined ? undefined : WORKLOAD_ID,
    inputs.integrationKey === undefined ? undefined : INTEGRATION_KEY,
  ].filter((name) => name !== undefined);
  if (workload.length === 0) return [];
  const others = [
    inputs.serviceAccountToken === undefined
      ? undefined
      : 'service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)',
    inputs.connectHost === undefined ? undefined : 'connect-host (or OP_CONNECT_HOST)',
    inputs.connectToken === undefined ? undefined : 'connect-token (or OP_CONNECT_TOKEN)',
  ].filter((name) => name !== undefined);
  const invalid = (message: string) => [new SecretsError(Code.configInvalid, message)];
  if (others.length > 0) {
    return invalid(
      `workload identity (${workload.join(', ')}) cannot be combined with ${others.join(', ')}: ` +
        'keep one way to reach 1Password in this step',
    );
  }
  if (inputs.authMode !== 'auto' && inputs.authMode !== 'workload-identity') {
    return invalid(
      `auth-mode ${inputs.authMode} does not use ${workload.join(', ')}: ` +
        'remove them, or set auth-mode workload-identity',
    );
  }
  if (workload.length === 1 && inputs.authMode === 'auto') {
    const missing = inputs.workloadId === undefined ? WORKLOAD_ID : INTEGRATION_KEY;
    return invalid(`workload identity needs ${WORKLOAD_ID} and ${INTEGRATION_KEY}: set ${missing}`);
  }
  return [];
}

/**
 * Whether the step reads through workload identity, as chooseMode will choose, known before the
 * step's secrets are read: it reads Environments only, and leaves the op:// values of the step's
 * environment (which holds the job's `env:`, so a step cannot tell them apart) and of
 * OP_ENV_FILE alone, as 1Password's own action v5 does.
 */
export function readsEnvironmentsOnly(inputs: Inputs): boolean {
  return (
    inputs.authMode === 'workload-identity' ||
    (inputs.authMode === 'auto' &&
      inputs.workloadId !== undefined &&
      inputs.integrationKey !== undefined)
  );
}

/** What the step loads, as far as the choice of backend cares. */
export interface Needs {
  /** Names of the secrets (of the secrets input, in workload identity) and templates that hold op:// references. */
  readonly refNames: readonly string[];
  readonly environment: string | undefined;
}

/** What `mode` cannot do for this step, said before any request. */
export function modeProblems(mode: Mode, needs: Needs): SecretsError[] {
  const invalid = (message: string) => [new SecretsError(Code.configInvalid, message)];
  if (mode === 'workload-identity' && needs.refNames.length > 0) {
    const names =
      needs.refNames.slice(0, 5).join(', ') + (needs.refNames.length > 5 ? ', ...' : '');
    return invalid(
      `workload identity reads 1Password Environments only, and ${names} ` +
        `${needs.refNames.length === 1 ? 'is an op:// reference' : 'are op:// references'}: ` +
        'load them in another step, with a service account or Connect',
    );
  }
  if (mode === 'workload-identity' && needs.environment === undefined) {
    return invalid(
      'workload identity reads 1Password Environments only: set environment (or OP_ENVIRONMENT_ID)',
    );
  }
  if (mode === 'connect' && needs.environment !== undefined) {
    return invalid(
      'Connect serves no 1Password Environments: load the environment with a service account ' +
        'or workload identity, or remove environment (or OP_ENVIRONMENT_ID)',
    );
  }
  return [];
}

export interface Choice {
  readonly mode: Mode;
  readonly warnings: readonly string[];
}

/** `auto` prefers workload identity, then Connect when it is fully configured, then a service account. */
export function chooseMode(inputs: Inputs): Choice {
  const connect = inputs.connectHost !== undefined && inputs.connectToken !== undefined;
  const serviceAccount = inputs.serviceAccountToken !== undefined;
  switch (inputs.authMode) {
    case 'auto':
      if (readsEnvironmentsOnly(inputs)) return { mode: 'workload-identity', warnings: [] };
      if (connect) {
        const warnings = serviceAccount
          ? ['both Connect and service-account credentials are set: using Connect']
          : [];
        return { mode: 'connect', warnings };
      }
      if (serviceAccount) return { mode: 'service-account', warnings: [] };
      throw providerUnavailable(
        'no credentials: set OP_CONNECT_HOST and OP_CONNECT_TOKEN (or connect-host and connect-token), ' +
          'or OP_SERVICE_ACCOUNT_TOKEN (or service-account-token), ' +
          'or OP_WORKLOAD_ID and OP_INTEGRATION_KEY (or workload-id and integration-key)',
      );
    case 'connect': {
      const missing = [
        inputs.connectHost === undefined ? 'connect-host (or OP_CONNECT_HOST)' : undefined,
        inputs.connectToken === undefined ? 'connect-token (or OP_CONNECT_TOKEN)' : undefined,
      ].filter((entry) => entry !== undefined);
      if (missing.length > 0)
        throw providerUnavailable(`auth-mode connect needs ${missing.join(' and ')}`);
      return { mode: 'connect', warnings: [] };
    }
    case 'service-account':
      if (!serviceAccount) {
        throw providerUnavailable(
          'auth-mode service-account needs service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)',
        );
      }
      return { mode: 'service-account', warnings: [] };
    case 'workload-identity': {
      const missing = [
        inputs.workloadId === undefined ? WORKLOAD_ID : undefined,
        inputs.integrationKey === undefined ? INTEGRATION_KEY : undefined,
      ].filter((entry) => entry !== undefined);
      if (missing.length > 0) {
        throw providerUnavailable(`auth-mode workload-identity needs ${missing.join(' and ')}`);
      }
      return { mode: 'workload-identity', warnings: [] };
    }
    case 'cli':
      return { mode: 'cli', warnings: [] };
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Validates connect-host; returns the URL and the warnings it deserves. */
export function connectUrl(host: string): { url: URL; warnings: string[] } {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new SecretsError(
      Code.configInvalid,
      'connect-host is not a URL (expected https://host[:port])',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SecretsError(
      Code.configInvalid,
      `connect-host must be http:// or https://, not ${url.protocol}//`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new SecretsError(
      Code.configInvalid,
      'connect-host must not carry credentials, a query or a fragment (the token goes in connect-token)',
    );
  }
  const warnings =
    url.protocol === 'http:' && !LOOPBACK.test(url.hostname)
      ? [
          `connect-host ${url.origin} is plain http: the Connect token crosses the network unencrypted`,
        ]
      : [];
  return { url, warnings };
}

export interface Opened {
  readonly source: SecretSource;
  readonly warnings: readonly string[];
}

/**
 * What a backend may take from the runner: the step's environment, its working directory (a
 * connect-ca path is read from there), the job's OIDC token, and what the step's directory needs
 * (op writes its template there).
 */
export type Door = Pick<Runner, 'cwd' | 'idToken'> & DirectoryDoor;

const NO_ID_TOKEN: Door['idToken'] = () =>
  Promise.reject(new Error('no OIDC token outside workload identity'));

/** Outside a step (a backend opened on its own): no OIDC token, no state to save a directory in. */
const NO_STEP: Door = {
  env: process.env,
  cwd: process.cwd(),
  idToken: NO_ID_TOKEN,
  unwritable: () => ['GITHUB_STATE: there is no step to save state in'],
  saveState: () => {
    throw new Error('there is no step to save state in');
  },
  warning: () => undefined,
};

/** A token or key that cannot be one: `ops_` first, no whitespace or control characters. */
function malformedOps(value: string): boolean {
  return !value.startsWith('ops_') || /\s/.test(value) || hasControlCharacter(value);
}

/** Opens the backend; each is loaded only when its mode is chosen, so others pay nothing for it. */
export async function openSource(
  mode: Mode,
  inputs: Inputs,
  door: Door = NO_STEP,
): Promise<Opened> {
  const { env } = door;
  switch (mode) {
    case 'connect': {
      const { url, warnings } = connectUrl(inputs.connectHost ?? '');
      let ca: string[] | undefined;
      if (url.protocol === 'https:' || inputs.connectCa !== undefined) {
        // Loaded only here: plain-http runs need no certificate handling.
        const trust = await import('./trust.ts');
        const extra =
          inputs.connectCa === undefined ? [] : trust.extraCertificates(inputs.connectCa, door);
        ca = url.protocol === 'https:' ? trust.trustedCertificates(extra) : undefined;
      }
      const token = inputs.connectToken ?? '';
      if (/\s/.test(token) || hasControlCharacter(token)) {
        throw providerUnavailable(
          'the Connect token contains whitespace or control characters: check connect-token',
        );
      }
      const { ConnectSource } = await import('./connect.ts');
      return { source: new ConnectSource({ host: url, token, ...(ca ? { ca } : {}) }), warnings };
    }
    case 'service-account': {
      const token = inputs.serviceAccountToken ?? '';
      if (malformedOps(token)) {
        throw providerUnavailable(
          'the service-account token is malformed (it starts with ops_): check service-account-token or OP_SERVICE_ACCOUNT_TOKEN',
        );
      }
      if (inputs.serviceAccountResolver === 'cli') {
        const { CliSource } = await import('./op-cli.ts');
        const directory = () => stepDirectory(door);
        return { source: new CliSource({ token, env, directory }), warnings: [] };
      }
      const { realConnector, SdkSource } = await import('./sdk.ts');
      return {
        source: new SdkSource({
          auth: { kind: 'service-account', token },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs),
        }),
        warnings: [],
      };
    }
    case 'workload-identity': {
      // Said before the SDK (and its WebAssembly) is loaded.
      if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
        throw providerUnavailable(
          "workload identity needs the job's GitHub OIDC token, and the runner offers none: " +
            'add `permissions: id-token: write` to the job (or the workflow)',
        );
      }
      const integrationKey = inputs.integrationKey ?? '';
      if (malformedOps(integrationKey)) {
        throw providerUnavailable(
          'the integration key is malformed (it starts with ops_): check integration-key or OP_INTEGRATION_KEY',
        );
      }
      const { realConnector, SdkSource } = await import('./sdk.ts');
      return {
        source: new SdkSource({
          auth: {
            kind: 'workload-identity',
            workloadId: inputs.workloadId ?? '',
            integrationKey,
            idToken: (audience) => door.idToken(audience),
          },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs),
        }),
        warnings: [],
      };
    }
    case 'cli': {
      const { CliSource } = await import('./op-cli.ts');
      const directory = () => stepDirectory(door);
      return { source: new CliSource({ account: inputs.account, env, directory }), warnings: [] };
    }
  }
}
