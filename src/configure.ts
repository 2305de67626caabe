/**
 * The configure sub-action (configure/action.yml): persists how to reach 1Password in the job's
 * environment, for the load steps that follow. No side effects on import: src/configure-index.ts
 * runs it.
 */
import { actionsRunner } from './actions-runner.ts';
import { connectUrl } from './backends/connect-host.ts';
import { SETTINGS as MODE_SETTINGS, type Settings } from './backends/modes.ts';
import { settingsProblems } from './backends/select.ts';
import { Code, describe, SecretsError } from './errors.ts';
import type { CONFIGURE_INPUT_DEFAULTS } from './generated/action-defaults.ts';
import { MAX_CREDENTIAL_BYTES, oversizedCredential, registerCredential } from './redact.ts';
import { annotate } from './report.ts';
import type { Runner } from './runner.ts';

/**
 * Each setting: its input (one configure/action.yml declares, checked at compile time), the
 * variable it falls back to and is exported as (the one the load step reads), and whether it is
 * a credential (masked before anything else happens).
 */
export const SETTINGS = [
  { input: 'connect-host', variable: 'OP_CONNECT_HOST', credential: false },
  { input: 'connect-token', variable: 'OP_CONNECT_TOKEN', credential: true },
  { input: 'service-account-token', variable: 'OP_SERVICE_ACCOUNT_TOKEN', credential: true },
  { input: 'workload-id', variable: 'OP_WORKLOAD_ID', credential: false },
  { input: 'integration-key', variable: 'OP_INTEGRATION_KEY', credential: true },
  { input: 'environment', variable: 'OP_ENVIRONMENT_ID', credential: false },
] as const satisfies readonly {
  input: keyof typeof CONFIGURE_INPUT_DEFAULTS;
  variable: string;
  credential: boolean;
}[];

export type Variable = (typeof SETTINGS)[number]['variable'];

export interface Setting {
  readonly input: string;
  readonly variable: Variable;
  readonly value: string;
  readonly credential: boolean;
}

/** What the step will do: mask `credentials`, then export `settings`, or report `errors`. */
export interface Plan {
  /** Every credential given, masked before anything is checked or said. */
  readonly credentials: readonly string[];
  /** The settings given, in SETTINGS order. */
  readonly settings: readonly Setting[];
  readonly errors: readonly SecretsError[];
  readonly warnings: readonly string[];
}

/** Each input, else its variable, trimmed; empty counts as not set (as in the load step). */
export function readSettings(
  input: (name: string) => string,
  env: Readonly<Record<string, string | undefined>>,
): Setting[] {
  return SETTINGS.flatMap((setting) => {
    const value = input(setting.input) || env[setting.variable]?.trim() || '';
    return value === '' ? [] : [{ ...setting, value }];
  });
}

/**
 * Checks the settings as the load step would, so that a mistake fails here, once, rather than in
 * every later step. A setting over 64 KiB is refused before it is masked (masking costs in
 * proportion to its size; no credential is that long, and a variable that long would keep later
 * processes from starting).
 */
export function plan(settings: readonly Setting[]): Plan {
  const errors: SecretsError[] = [];
  const warnings: string[] = [];
  const invalid = (message: string) => errors.push(new SecretsError(Code.configInvalid, message));
  const kept = settings.filter((setting) => {
    if (!oversizedCredential(setting.value)) return true;
    const what = setting.credential ? 'credential' : 'setting';
    invalid(
      `${setting.input} (or ${setting.variable}) is over ${MAX_CREDENTIAL_BYTES / 1024} KiB, ` +
        `longer than any ${what}: check that it holds the ${what} alone`,
    );
    return false;
  });
  const host = kept.find((one) => one.variable === 'OP_CONNECT_HOST')?.value;
  if (host !== undefined) {
    try {
      warnings.push(...connectUrl(host).warnings);
    } catch (thrown) {
      invalid(`${describe(thrown)}: check connect-host or OP_CONNECT_HOST`);
    }
  }
  // Which settings are given counts the refused ones too: one refused is not one missing.
  errors.push(...settingsProblems({ authMode: 'auto', ...byName(settings) }));
  return {
    credentials: kept.filter((setting) => setting.credential).map((setting) => setting.value),
    settings: kept,
    errors,
    warnings,
  };
}

/** The settings given, under their names in the table of modes. */
function byName(settings: readonly Setting[]): Partial<Settings> {
  const given = MODE_SETTINGS.flatMap(({ name, variable }) => {
    const value = settings.find((one) => one.variable === variable)?.value;
    return variable === undefined || value === undefined ? [] : [[name, value] as const];
  });
  return Object.fromEntries(given);
}

/** Said when nothing is set: the load steps would find no credentials, most likely a missing secret. */
export const NOTHING_SET =
  'nothing to configure: none of connect-host, connect-token, service-account-token, workload-id, ' +
  'integration-key, environment (nor their OP_* variables) is set; a repository secret that is ' +
  'not available to this run (a pull request from a fork, a misspelt name) is empty';

/** Masks every credential, checks the settings, and exports them all for later steps, or none. */
export function configure(runner: Runner): void {
  const { credentials, settings, errors, warnings } = plan(
    readSettings((name) => runner.input(name), runner.env),
  );
  // First, before anything is said or written.
  for (const credential of credentials) {
    runner.setSecret(credential);
    registerCredential(credential);
  }
  // Checked before the first write, as the load step checks its targets.
  const unwritable = settings.length > 0 ? runner.unwritable(['GITHUB_ENV']) : [];
  const failures = [
    ...errors,
    ...(unwritable.length > 0
      ? [new SecretsError(Code.configInvalid, `nothing was configured: ${unwritable.join('; ')}`)]
      : []),
  ];
  for (const warning of warnings) runner.warning(warning);
  if (failures.length > 0) {
    annotate(runner, failures);
    runner.fail();
    return;
  }
  if (settings.length === 0) {
    runner.warning(NOTHING_SET);
    return;
  }
  for (const { variable, value } of settings) runner.exportVariable(variable, value);
  runner.info(
    `configured for the job's later steps: ${settings.map((setting) => setting.variable).join(', ')}`,
  );
}

/** The step; whatever it throws, the entry's last line of defence reports (src/last-defence.ts). */
export function run(runner: Runner = actionsRunner()): Promise<void> {
  configure(runner);
  return Promise.resolve();
}
