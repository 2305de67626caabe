/** Picks the way to reach 1Password from the inputs, and opens it. */

import { Code, providerUnavailable, SecretsError } from '../errors.ts';
import type { Inputs } from '../inputs.ts';
import { hasControlCharacter } from '../refs.ts';
import { DEFAULT_POLICY } from './retry.ts';
import type { SecretSource } from './source.ts';

export type Mode = 'connect' | 'service-account' | 'cli';

export interface Choice {
  readonly mode: Mode;
  readonly warnings: readonly string[];
}

/** `auto` prefers Connect when it is fully configured, then a service account. */
export function chooseMode(inputs: Inputs): Choice {
  const connect = inputs.connectHost !== undefined && inputs.connectToken !== undefined;
  const serviceAccount = inputs.serviceAccountToken !== undefined;
  switch (inputs.authMode) {
    case 'auto':
      if (connect) {
        const warnings = serviceAccount
          ? ['both Connect and service-account credentials are set: using Connect']
          : [];
        return { mode: 'connect', warnings };
      }
      if (serviceAccount) return { mode: 'service-account', warnings: [] };
      throw providerUnavailable(
        'no credentials: set OP_CONNECT_HOST and OP_CONNECT_TOKEN (or connect-host and connect-token), ' +
          'or OP_SERVICE_ACCOUNT_TOKEN (or service-account-token)',
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

/** Opens the backend; each is loaded only when its mode is chosen, so others pay nothing for it. */
export async function openSource(
  mode: Mode,
  inputs: Inputs,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Opened> {
  switch (mode) {
    case 'connect': {
      const { url, warnings } = connectUrl(inputs.connectHost ?? '');
      let ca: string[] | undefined;
      if (url.protocol === 'https:' || inputs.connectCa !== undefined) {
        // Loaded only here: plain-http runs need no certificate handling.
        const trust = await import('./trust.ts');
        const extra =
          inputs.connectCa === undefined ? [] : trust.extraCertificates(inputs.connectCa);
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
      if (!token.startsWith('ops_') || /\s/.test(token) || hasControlCharacter(token)) {
        throw providerUnavailable(
          'the service-account token is malformed (it starts with ops_): check service-account-token or OP_SERVICE_ACCOUNT_TOKEN',
        );
      }
      if (inputs.serviceAccountResolver === 'cli') {
        const { CliSource } = await import('./op-cli.ts');
        return { source: new CliSource({ token, env }), warnings: [] };
      }
      const { realConnector, SdkSource } = await import('./sdk.ts');
      return {
        source: new SdkSource({ token, connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs) }),
        warnings: [],
      };
    }
    case 'cli': {
      const { CliSource } = await import('./op-cli.ts');
      return { source: new CliSource({ account: inputs.account, env }), warnings: [] };
    }
  }
}
