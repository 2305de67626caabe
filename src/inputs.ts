/** The only module that reads the action's inputs; returns one typed, frozen object. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { Code, describe, SecretsError } from './errors.ts';
import {
  buildSpecs,
  discoverEnvRefs,
  type ParsedSpecs,
  parseEnvFile,
  parseSecretsYaml,
} from './secret-specs.ts';

export const AUTH_MODES = ['auto', 'service-account', 'connect', 'cli'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const SA_RESOLVERS = ['sdk', 'cli'] as const;
export type SaResolver = (typeof SA_RESOLVERS)[number];

export interface Inputs {
  readonly secrets: string;
  readonly authMode: AuthMode;
  readonly serviceAccountToken: string | undefined;
  readonly serviceAccountResolver: SaResolver;
  readonly account: string | undefined;
  readonly connectHost: string | undefined;
  readonly connectToken: string | undefined;
  readonly connectCa: string | undefined;
  readonly vault: string | undefined;
  readonly exportEnv: boolean;
  readonly unsetPrevious: boolean;
  readonly refreshAfterSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An input, else the variable it defaults to; empty counts as missing. */
function optional(input: string, variable?: string, env: Env = process.env): string | undefined {
  const value = core.getInput(input) || (variable ? env[variable]?.trim() : undefined);
  return value === undefined || value === '' ? undefined : value;
}

/** Empty means the default (the first option): the runner fills defaults in, a local run may not. */
function oneOf<T extends string>(input: string, allowed: readonly T[], errors: SecretsError[]): T {
  const value = core.getInput(input) || (allowed[0] as T);
  const found = allowed.find((option) => option === value);
  if (found !== undefined) return found;
  errors.push(
    new SecretsError(Code.configInvalid, `${input} "${value}" is not one of ${allowed.join(', ')}`),
  );
  return allowed[0] as T;
}

function flag(input: string, errors: SecretsError[]): boolean {
  const value = core.getInput(input);
  if (value === '') return false;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  errors.push(new SecretsError(Code.configInvalid, `${input} "${value}" is not true or false`));
  return false;
}

function seconds(input: string, fallback: number, errors: SecretsError[]): number {
  const value = core.getInput(input);
  if (value === '') return fallback;
  if (/^\d{1,9}$/.test(value)) return Number(value);
  errors.push(
    new SecretsError(Code.configInvalid, `${input} "${value}" is not a whole number of seconds`),
  );
  return 0;
}

function vault(errors: SecretsError[]): string | undefined {
  const value = optional('vault');
  if (value !== undefined && /[/?#]/.test(value)) {
    errors.push(
      new SecretsError(Code.configInvalid, `vault "${value}" must not contain /, ? or #`),
    );
  }
  return value;
}

export function readInputs(env: Env = process.env): { inputs: Inputs; errors: SecretsError[] } {
  const errors: SecretsError[] = [];
  const inputs: Inputs = Object.freeze({
    secrets: core.getInput('secrets'),
    authMode: oneOf('auth-mode', AUTH_MODES, errors),
    serviceAccountToken: optional('service-account-token', 'OP_SERVICE_ACCOUNT_TOKEN', env),
    serviceAccountResolver: oneOf('service-account-resolver', SA_RESOLVERS, errors),
    account: optional('account'),
    connectHost: optional('connect-host', 'OP_CONNECT_HOST', env),
    connectToken: optional('connect-token', 'OP_CONNECT_TOKEN', env),
    connectCa: optional('connect-ca'),
    vault: vault(errors),
    exportEnv: flag('export-env', errors),
    unsetPrevious: flag('unset-previous', errors),
    refreshAfterSeconds: seconds('refresh-after-seconds', 3600, errors),
  });
  return { inputs, errors };
}

/** Everything to load: the secrets input, step env references and OP_ENV_FILE entries. */
export async function readSpecs(
  inputs: Inputs,
  env: Env = process.env,
  cwd = process.cwd(),
): Promise<ParsedSpecs> {
  const fromYaml = parseSecretsYaml(inputs.secrets);
  const raw = [...fromYaml.raw, ...discoverEnvRefs(env)];
  const errors = [...fromYaml.errors];
  const envFile = env['OP_ENV_FILE'];
  if (envFile !== undefined && envFile !== '') {
    try {
      const parsed = await parseEnvFile(readFileSync(resolve(cwd, envFile), 'utf8'));
      raw.push(...parsed.raw);
      for (const name of parsed.duplicates) {
        errors.push(
          new SecretsError(Code.configInvalid, `OP_ENV_FILE sets "${name}" more than once`, name),
        );
      }
      if (parsed.skipped.length > 0) {
        core.info(
          `OP_ENV_FILE: left alone ${parsed.skipped.length} entries that are not op:// references`,
        );
      }
    } catch (thrown) {
      errors.push(
        new SecretsError(
          Code.configInvalid,
          `OP_ENV_FILE "${envFile}" cannot be read: ${describe(thrown)}`,
        ),
      );
    }
  }
  const built = buildSpecs(raw, inputs.vault);
  return { specs: built.specs, errors: [...errors, ...built.errors] };
}
