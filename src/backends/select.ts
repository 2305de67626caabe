/** Picks the way to reach 1Password from the inputs, and opens it. */

import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getCACertificates } from 'node:tls';
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

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** connect-ca: PEM text, or the path of a PEM file; every certificate must parse. */
export function extraCertificates(value: string, cwd = process.cwd()): string[] {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    const path = resolve(cwd, value);
    if (!existsSync(path)) {
      throw new SecretsError(
        Code.configInvalid,
        `connect-ca: no PEM text, and no file at "${value}"`,
      );
    }
    text = readFileSync(path, 'utf8');
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
function trustedCertificates(extra: readonly string[]): string[] {
  let system: readonly string[] = [];
  try {
    system = getCACertificates('system');
  } catch {
    // No readable system store: the bundled roots and the extra certificates still apply.
  }
  return [...new Set([...getCACertificates('default'), ...system, ...extra])];
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
      const extra = inputs.connectCa === undefined ? [] : extraCertificates(inputs.connectCa);
      const ca = url.protocol === 'https:' ? trustedCertificates(extra) : undefined;
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
