/** The only module that reads the action's inputs; returns one typed, frozen object. */
import { inputDefault } from './action-metadata.ts';
import { AUTH_MODES, SETTINGS, type Settings } from './backends/modes.ts';
import { Code, describe, SecretsError } from './errors.ts';
import { type Place, readInputFile } from './input-file.ts';
import { nameKey } from './names.ts';
import type { Runner } from './runner.ts';
import {
  buildSpecs,
  discoverEnvRefs,
  type ParsedSpecs,
  parseEnvFile,
  parseSecretsYaml,
  type SecretSpec,
} from './secret-specs.ts';
import { parseTemplatesYaml, readTemplate, type Template } from './templates.ts';
import { plural, printable } from './text.ts';

/** The action's inputs: how to reach 1Password (every mode's settings, from src/backends/modes.ts), and what to do. */
export interface Inputs extends Settings {
  readonly secrets: string;
  /** A 1Password Environment whose variables are all loaded. */
  readonly environment: string | undefined;
  readonly vault: string | undefined;
  readonly exportEnv: boolean;
  readonly unsetPrevious: boolean;
  readonly refreshAfterSeconds: number;
  /** YAML mapping `NAME: path` of templates to render into files. */
  readonly templates: string;
  readonly dryRun: boolean;
  /** 1Password's own action installs this `op` version; accepted and warned about. */
  readonly version: string | undefined;
}

/**
 * The shape of an Environment ID (1Password's are 26 characters of `a-z0-9`). A leading `-`
 * would read as an option to op.
 */
const ENVIRONMENT_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** Reads inputs, each with its action.yml default when empty, and collects every problem. */
class InputReader {
  readonly errors: SecretsError[] = [];
  readonly #runner: Runner;

  constructor(runner: Runner) {
    this.#runner = runner;
  }

  text(input: string): string {
    return this.#runner.input(input) || inputDefault(input);
  }

  /** An input, else the variable it falls back to; empty counts as missing. */
  optional(input: string, variable?: string): string | undefined {
    const value = this.text(input) || (variable ? this.#runner.env[variable]?.trim() : undefined);
    return value === undefined || value === '' ? undefined : value;
  }

  /** Every mode's settings, as the table of modes declares them. */
  settings(): Omit<Settings, 'authMode'> {
    const read = SETTINGS.map((setting) => [
      setting.name,
      setting.choices === undefined
        ? this.optional(setting.input, setting.variable)
        : this.oneOf(setting.input, setting.choices),
    ]);
    return Object.fromEntries(read) as Omit<Settings, 'authMode'>;
  }

  oneOf<T extends string>(input: string, allowed: readonly T[]): T {
    const value = this.text(input);
    const found = allowed.find((option) => option === value);
    if (found !== undefined) return found;
    this.#invalid(`${input} "${value}" is not one of ${allowed.join(', ')}`);
    return allowed[0] as T;
  }

  flag(input: string): boolean {
    const value = this.text(input);
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    this.#invalid(`${input} "${value}" is not true or false`);
    return false;
  }

  seconds(input: string): number {
    const value = this.text(input);
    if (/^\d{1,9}$/.test(value)) return Number(value);
    this.#invalid(`${input} "${value}" is not a whole number of seconds`);
    return 0;
  }

  vault(): string | undefined {
    const value = this.optional('vault');
    if (value !== undefined && /[/?#]/.test(value)) {
      this.#invalid(`vault "${value}" must not contain /, ? or #`);
    }
    return value;
  }

  /** An Environment ID, passed on to op as an argument: an ID's characters only, never an option. */
  environment(): string | undefined {
    const value = this.optional('environment', 'OP_ENVIRONMENT_ID');
    if (value !== undefined && !ENVIRONMENT_ID.test(value)) {
      const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
      this.#invalid(
        `environment (or OP_ENVIRONMENT_ID) "${shown}" is not an Environment ID: ` +
          'letters, digits, - and _ only, not starting with -, at most 64 characters',
      );
    }
    return value;
  }

  #invalid(message: string): void {
    this.errors.push(new SecretsError(Code.configInvalid, message));
  }
}

export function readInputs(runner: Runner): { inputs: Inputs; errors: SecretsError[] } {
  const read = new InputReader(runner);
  const inputs: Inputs = Object.freeze({
    secrets: read.text('secrets'),
    authMode: read.oneOf('auth-mode', AUTH_MODES),
    ...read.settings(),
    environment: read.environment(),
    vault: read.vault(),
    exportEnv: read.flag('export-env'),
    unsetPrevious: read.flag('unset-previous'),
    refreshAfterSeconds: read.seconds('refresh-after-seconds'),
    templates: read.text('templates'),
    dryRun: read.flag('dry-run'),
    version: read.optional('version'),
  });
  return { inputs, errors: read.errors };
}

/**
 * Everything to load: the secrets input, step env references and OP_ENV_FILE entries. With
 * `envRefs: 'leave'` (workload identity) the references of the step's environment and of
 * OP_ENV_FILE are not loaded, nor checked: `leftAlone` names them.
 */
export async function readSpecs(
  inputs: Inputs,
  runner: Runner,
  envRefs: 'load' | 'leave' = 'load',
): Promise<ParsedSpecs & { readonly leftAlone: readonly string[] }> {
  const { env } = runner;
  const leave = envRefs === 'leave';
  const fromYaml = parseSecretsYaml(inputs.secrets);
  const fromEnv = discoverEnvRefs(env);
  const errors = [...fromYaml.errors];
  const envFile = env['OP_ENV_FILE'];
  let unread: string | undefined;
  if (envFile !== undefined && envFile !== '') {
    try {
      const parsed = await parseEnvFile(readInputFile('OP_ENV_FILE', envFile, runner));
      fromEnv.push(...parsed.raw);
      for (const name of leave ? [] : parsed.duplicates) {
        errors.push(
          new SecretsError(Code.configInvalid, `OP_ENV_FILE sets "${name}" more than once`, name),
        );
      }
      if (parsed.skipped.length > 0) {
        runner.info(
          `OP_ENV_FILE: left alone ${plural(parsed.skipped.length, 'entry', 'entries')} without an op:// reference`,
        );
      }
    } catch (thrown) {
      const error =
        thrown instanceof SecretsError
          ? thrown
          : new SecretsError(
              Code.configInvalid,
              `OP_ENV_FILE "${printable(envFile)}": ${printable(describe(thrown))}`,
            );
      // Left alone, the file need not exist: a step written for 1Password's v5 still runs.
      if (leave) unread = error.message;
      else errors.push(error);
    }
  }
  const built = buildSpecs(leave ? fromYaml.raw : [...fromYaml.raw, ...fromEnv], inputs.vault);
  return {
    specs: built.specs,
    errors: [...errors, ...built.errors],
    leftAlone: leave
      ? [...new Set(fromEnv.map((entry) => entry.name)), ...(unread === undefined ? [] : [unread])]
      : [],
  };
}

/** The templates input: each file read and parsed. A template takes no secret's name. */
export function readTemplates(
  inputs: Inputs,
  place: Place,
  specs: readonly SecretSpec[],
): { templates: Template[]; errors: SecretsError[] } {
  const { specs: listed, errors } = parseTemplatesYaml(inputs.templates);
  const secrets = new Map(specs.map((spec) => [nameKey(spec.name), spec.name]));
  const templates: Template[] = [];
  for (const spec of listed) {
    const secret = secrets.get(nameKey(spec.name));
    if (secret !== undefined) {
      errors.push(
        new SecretsError(
          Code.configInvalid,
          `"${spec.name}" names both a template and the secret ${secret}; names are case-insensitive`,
          spec.name,
        ),
      );
      continue;
    }
    const read = readTemplate(spec, place);
    errors.push(...read.errors);
    if (read.template !== undefined) templates.push(read.template);
  }
  return { templates, errors };
}
