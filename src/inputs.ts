/**
 * The only module that reads the action's inputs, and the OP_* variables they fall back to: one
 * typed, frozen object, and its problems.
 */
import { inputDefault } from './action-metadata.ts';
import { AUTH_MODES, SETTINGS, type Settings } from './backends/modes.ts';
import { Code, SecretsError } from './errors.ts';
import type { Runner } from './runner.ts';

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
