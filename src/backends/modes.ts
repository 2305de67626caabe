/**
 * Every way to reach 1Password, declared once: the settings a mode reads (with the OP_* variable
 * each falls back to, and which are credentials), whether `auto` may choose it, whether it serves
 * 1Password Environments, and how it opens. What the rest of the action knows of auth modes
 * (the auth-mode input, the choice under `auto`, the settings' problems, which credentials are
 * masked) is derived from this table: a new mode is one backend file and one row here.
 */
import { providerUnavailable } from '../errors.ts';
import { type DirectoryDoor, stepDirectory } from '../files.ts';
import { hasControlCharacter } from '../refs.ts';
import type { Runner } from '../runner.ts';
import { connectUrl } from './connect-host.ts';
import { DEFAULT_POLICY } from './retry.ts';
import type { SecretSource } from './source.ts';

/** A setting a mode reads: its input, and the variable it falls back to when the input is empty. */
export interface Setting {
  readonly input: string;
  readonly variable?: string;
  /** Masked before anything else is done, and refused when longer than any credential. */
  readonly credential?: boolean;
  /** The mode cannot work without it. */
  readonly needed?: boolean;
  /** The values it may take; without them, any text (empty counts as not set). */
  readonly choices?: readonly [string, ...string[]];
}

type Value<S extends Setting> = S extends { readonly choices: readonly (infer C)[] }
  ? C
  : string | undefined;

/** A mode's settings as the inputs gave them. */
type Values<S extends Record<string, Setting>> = { readonly [K in keyof S]: Value<S[K]> };

/**
 * What a backend may take from the runner: the step's environment, its working directory (a
 * connect-ca path is read from there), the job's OIDC token, and what the step's directory needs
 * (op writes its template there).
 */
export type Door = Pick<Runner, 'cwd' | 'idToken'> & DirectoryDoor;

export interface Opened {
  readonly source: SecretSource;
  readonly warnings: readonly string[];
}

interface Row<S extends Record<string, Setting>> {
  /** How messages name it. */
  readonly name: string;
  readonly settings: S;
  /** Under auth-mode auto, tried in this order (1 first) once its needed settings are all given. */
  readonly auto?: number;
  /**
   * Its settings stand alone: beside another mode's, only some of them, or under another
   * auth-mode, they make the step ambiguous.
   */
  readonly exclusive?: boolean;
  /** Whether it serves 1Password Environments; `only`: nothing else. */
  readonly environments: boolean | 'only';
  /** Opens the backend, loaded only now, so that the other modes pay nothing for it. */
  open(settings: Values<S>, door: Door): Promise<Opened>;
}

/** A row, its settings' names known to its `open`. */
function mode<const S extends Record<string, Setting>>(row: Row<S>): Row<S> {
  return row;
}

/** A token or key that cannot be one: `ops_` first, no whitespace or control characters. */
function malformedOps(value: string): boolean {
  return !value.startsWith('ops_') || /\s/.test(value) || hasControlCharacter(value);
}

/** In the auth-mode input's order. */
export const MODES = {
  'service-account': mode({
    name: 'a service account',
    settings: {
      serviceAccountToken: {
        input: 'service-account-token',
        variable: 'OP_SERVICE_ACCOUNT_TOKEN',
        credential: true,
        needed: true,
      },
      serviceAccountResolver: { input: 'service-account-resolver', choices: ['sdk', 'cli'] },
    },
    auto: 3,
    environments: true,
    async open({ serviceAccountToken, serviceAccountResolver }, door) {
      const token = serviceAccountToken ?? '';
      if (malformedOps(token)) {
        throw providerUnavailable(
          'the service-account token is malformed (it starts with ops_): check service-account-token or OP_SERVICE_ACCOUNT_TOKEN',
        );
      }
      if (serviceAccountResolver === 'cli') {
        const { CliSource } = await import('./op-cli.ts');
        const directory = () => stepDirectory(door);
        return { source: new CliSource({ token, env: door.env, directory }), warnings: [] };
      }
      const { realConnector, SdkSource } = await import('./sdk.ts');
      return {
        source: new SdkSource({
          auth: { kind: 'service-account', token },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs),
        }),
        warnings: [],
      };
    },
  }),
  connect: mode({
    name: 'Connect',
    settings: {
      connectHost: { input: 'connect-host', variable: 'OP_CONNECT_HOST', needed: true },
      connectToken: {
        input: 'connect-token',
        variable: 'OP_CONNECT_TOKEN',
        credential: true,
        needed: true,
      },
      connectCa: { input: 'connect-ca' },
    },
    auto: 2,
    environments: false,
    async open({ connectHost, connectToken, connectCa }, door) {
      const { url, warnings } = connectUrl(connectHost ?? '');
      let ca: string[] | undefined;
      if (url.protocol === 'https:' || connectCa !== undefined) {
        // Loaded only here: plain-http runs need no certificate handling.
        const trust = await import('./trust.ts');
        const extra = connectCa === undefined ? [] : trust.extraCertificates(connectCa, door);
        ca = url.protocol === 'https:' ? trust.trustedCertificates(extra) : undefined;
      }
      const token = connectToken ?? '';
      if (/\s/.test(token) || hasControlCharacter(token)) {
        throw providerUnavailable(
          'the Connect token contains whitespace or control characters: check connect-token',
        );
      }
      const { ConnectSource } = await import('./connect.ts');
      return { source: new ConnectSource({ host: url, token, ...(ca ? { ca } : {}) }), warnings };
    },
  }),
  'workload-identity': mode({
    name: 'workload identity',
    settings: {
      workloadId: { input: 'workload-id', variable: 'OP_WORKLOAD_ID', needed: true },
      integrationKey: {
        input: 'integration-key',
        variable: 'OP_INTEGRATION_KEY',
        credential: true,
        needed: true,
      },
    },
    auto: 1,
    exclusive: true,
    environments: 'only',
    async open({ workloadId, integrationKey }, door) {
      // Said before the SDK (and its WebAssembly) is loaded.
      if (
        !door.env['ACTIONS_ID_TOKEN_REQUEST_URL'] ||
        !door.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
      ) {
        throw providerUnavailable(
          "workload identity needs the job's GitHub OIDC token, and the runner offers none: " +
            'add `permissions: id-token: write` to the job (or the workflow)',
        );
      }
      const key = integrationKey ?? '';
      if (malformedOps(key)) {
        throw providerUnavailable(
          'the integration key is malformed (it starts with ops_): check integration-key or OP_INTEGRATION_KEY',
        );
      }
      const { realConnector, SdkSource } = await import('./sdk.ts');
      return {
        source: new SdkSource({
          auth: {
            kind: 'workload-identity',
            workloadId: workloadId ?? '',
            integrationKey: key,
            idToken: (audience) => door.idToken(audience),
          },
          connect: realConnector(DEFAULT_POLICY.attemptTimeoutMs),
        }),
        warnings: [],
      };
    },
  }),
  cli: mode({
    name: 'the op CLI',
    settings: { account: { input: 'account' } },
    environments: true,
    async open({ account }, door) {
      const { CliSource } = await import('./op-cli.ts');
      const directory = () => stepDirectory(door);
      return { source: new CliSource({ account, env: door.env, directory }), warnings: [] };
    },
  }),
};

export type Mode = keyof typeof MODES;

export const AUTH_MODES = ['auto', ...(Object.keys(MODES) as Mode[])] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

type SettingsOf<M extends Mode> = (typeof MODES)[M]['settings'];
type AnySettings = SettingsOf<Mode>;
export type SettingName = { [M in Mode]: keyof SettingsOf<M> & string }[Mode];

/** How the step reaches 1Password: auth-mode, and every mode's settings. */
export type Settings = { readonly authMode: AuthMode } & {
  readonly [K in SettingName]: Value<Extract<AnySettings, Record<K, Setting>>[K]>;
};

/** A row as the derivations see it. */
export interface ModeRow extends Omit<Row<Record<string, Setting>>, 'open'> {
  readonly mode: Mode;
  open(settings: Settings, door: Door): Promise<Opened>;
}

/** One mode's row. */
export function modeRow(mode: Mode): ModeRow {
  return { ...MODES[mode], mode };
}

/** Every row, in the table's order. */
export const ROWS: readonly ModeRow[] = (Object.keys(MODES) as Mode[]).map(modeRow);

/** Every setting, with its name, in the table's order. */
export const SETTINGS: readonly (Setting & { readonly name: SettingName; readonly mode: Mode })[] =
  ROWS.flatMap((row) =>
    Object.entries(row.settings).map(([name, setting]) => ({
      ...setting,
      name: name as SettingName,
      mode: row.mode,
    })),
  );
