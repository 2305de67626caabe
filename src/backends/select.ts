/**
 * Picks the way to reach 1Password from its settings, and opens it: every rule here is read off
 * the table of modes (src/backends/modes.ts).
 */
import { Code, providerUnavailable, SecretsError } from '../errors.ts';
import {
  type Door,
  type Mode,
  type ModeRow,
  modeRow,
  type Opened,
  ROWS,
  type Setting,
  SETTINGS,
  type Settings,
} from './modes.ts';

/** Settings as far as they are known: auth-mode, and the ones given. */
export type Given = Pick<Settings, 'authMode'> & Partial<Settings>;

/** A setting as messages name it: `connect-token (or OP_CONNECT_TOKEN)`. */
function label(setting: Setting): string {
  return setting.variable === undefined
    ? setting.input
    : `${setting.input} (or ${setting.variable})`;
}

function needed(row: ModeRow) {
  return SETTINGS.filter((setting) => setting.mode === row.mode && setting.needed === true);
}

/** Whether every setting `row` needs is given. */
function complete(row: ModeRow, settings: Given): boolean {
  return needed(row).every((setting) => settings[setting.name] !== undefined);
}

/** The modes `auto` may choose, in the order it tries them. */
const AUTO = ROWS.filter((row) => row.auto !== undefined).sort(
  (a, b) => (a.auto ?? 0) - (b.auto ?? 0),
);

const invalid = (message: string) => [new SecretsError(Code.configInvalid, message)];

/**
 * A mode whose settings stand alone (workload identity), given beside another mode's settings,
 * only some of them, or beside another explicit auth-mode: the step is ambiguous, so it stops
 * before anything.
 */
function standAloneProblems(row: ModeRow, settings: Given): SecretsError[] {
  const own = needed(row);
  const set = own.filter((setting) => settings[setting.name] !== undefined);
  if (set.length === 0) return [];
  const others = SETTINGS.filter(
    (setting) =>
      setting.mode !== row.mode && setting.needed === true && settings[setting.name] !== undefined,
  );
  const named = set.map(label).join(', ');
  if (others.length > 0) {
    return invalid(
      `${row.name} (${named}) cannot be combined with ${others.map(label).join(', ')}: ` +
        'keep one way to reach 1Password in this step',
    );
  }
  if (settings.authMode !== 'auto' && settings.authMode !== row.mode) {
    return invalid(
      `auth-mode ${settings.authMode} does not use ${named}: ` +
        `remove them, or set auth-mode ${row.mode}`,
    );
  }
  if (set.length < own.length && settings.authMode === 'auto') {
    const missing = own.filter((setting) => !set.includes(setting));
    return invalid(
      `${row.name} needs ${own.map(label).join(' and ')}: set ${missing.map(label).join(' and ')}`,
    );
  }
  return [];
}

/** What makes the settings ambiguous, found before anything else is done (the configure sub-action checks them too). */
export function settingsProblems(settings: Given): SecretsError[] {
  return ROWS.filter((row) => row.exclusive === true).flatMap((row) =>
    standAloneProblems(row, settings),
  );
}

/** The mode the settings name, or `auto` would choose; undefined when `auto` finds none. */
function chosenRow(settings: Settings): ModeRow | undefined {
  return settings.authMode === 'auto'
    ? AUTO.find((row) => complete(row, settings))
    : modeRow(settings.authMode);
}

/**
 * Whether the step reads through a mode that serves Environments only (workload identity), as
 * chooseMode will choose, known before the step's secrets are read: it leaves the op:// values
 * of the step's environment (which holds the job's `env:`, so a step cannot tell them apart) and
 * of OP_ENV_FILE alone, as 1Password's own action v5 does.
 */
export function readsEnvironmentsOnly(settings: Settings): boolean {
  return chosenRow(settings)?.environments === 'only';
}

/**
 * Whether any setting of a mode that serves Environments only is given: it asks for an
 * Environment, so a step without one still needs its backend, to say so.
 */
export function asksForEnvironment(settings: Given): boolean {
  return SETTINGS.some(
    (setting) =>
      modeRow(setting.mode).environments === 'only' && settings[setting.name] !== undefined,
  );
}

/** What the step loads, as far as the choice of backend cares. */
export interface Needs {
  /** Names of the secrets (of the secrets input, in workload identity) and templates that hold op:// references. */
  readonly refNames: readonly string[];
  readonly environment: string | undefined;
}

/** The names of the modes `auto` may choose that pass `test`: `a service account or Connect`. */
function alternatives(test: (row: ModeRow) => boolean): string {
  return ROWS.filter((row) => row.auto !== undefined && test(row))
    .map((row) => row.name)
    .join(' or ');
}

/** What `mode` cannot do for this step, said before any request. */
export function modeProblems(mode: Mode, needs: Needs): SecretsError[] {
  const row = modeRow(mode);
  const { refNames } = needs;
  if (row.environments === 'only' && refNames.length > 0) {
    const names = refNames.slice(0, 5).join(', ') + (refNames.length > 5 ? ', ...' : '');
    return invalid(
      `${row.name} reads 1Password Environments only, and ${names} ` +
        `${refNames.length === 1 ? 'is an op:// reference' : 'are op:// references'}: ` +
        `load them in another step, with ${alternatives((other) => other.environments !== 'only')}`,
    );
  }
  if (row.environments === 'only' && needs.environment === undefined) {
    return invalid(
      `${row.name} reads 1Password Environments only: set environment (or OP_ENVIRONMENT_ID)`,
    );
  }
  if (row.environments === false && needs.environment !== undefined) {
    return invalid(
      `${row.name} serves no 1Password Environments: load the environment with ` +
        `${alternatives((other) => other.environments !== false)}, ` +
        'or remove environment (or OP_ENVIRONMENT_ID)',
    );
  }
  return [];
}

export interface Choice {
  readonly mode: Mode;
  readonly warnings: readonly string[];
}

/** An explicit auth-mode needs all of its settings; `auto` takes the first mode that has them. */
export function chooseMode(settings: Settings): Choice {
  if (settings.authMode !== 'auto') {
    const row = modeRow(settings.authMode);
    const missing = needed(row).filter((setting) => settings[setting.name] === undefined);
    if (missing.length > 0) {
      throw providerUnavailable(`auth-mode ${row.mode} needs ${missing.map(label).join(' and ')}`);
    }
    return { mode: row.mode, warnings: [] };
  }
  const [chosen, ...others] = AUTO.filter((row) => complete(row, settings));
  if (chosen === undefined) {
    const ways = ROWS.filter((row) => row.auto !== undefined).map((row) => {
      const own = needed(row);
      return `${own.map((setting) => setting.variable).join(' and ')} (or ${own.map((setting) => setting.input).join(' and ')})`;
    });
    throw providerUnavailable(`no credentials: set ${ways.join(', or ')}`);
  }
  const warnings = others.map(
    (other) => `both ${chosen.name} and ${other.mode} credentials are set: using ${chosen.name}`,
  );
  return { mode: chosen.mode, warnings };
}

/** Every credential given, as messages name it: masked from the start. */
export function credentials(settings: Given): { readonly name: string; readonly value: string }[] {
  return SETTINGS.flatMap((setting) => {
    const value = settings[setting.name];
    return setting.credential === true && value !== undefined
      ? [{ name: label(setting), value }]
      : [];
  });
}

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

/** Opens the backend of `mode`; each is loaded only when its mode is chosen. */
export function openSource(mode: Mode, settings: Settings, door: Door = NO_STEP): Promise<Opened> {
  return modeRow(mode).open(settings, door);
}
