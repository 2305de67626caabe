/**
 * A faithful fake of the 1Password CLI `op` 2.x for tests, serving the canonical data set
 * (`VAULTS` from test/fixtures/vault-data.ts) or a JSON file named by `FAKE_OP_DATA`.
 *
 * Run through the launchers in ./bin (`op`, `op.cmd`), which start
 * `${FAKE_OP_NODE:-node} fake-op.ts "$@"`. No dependencies besides `sshpk` (loaded only for
 * `?ssh-format=openssh`). See ./index.ts for the test helpers and the README-style summary
 * of the commands, flags, error texts and `FAKE_OP_*` knobs.
 *
 * What it mimics from op 2.x: global flags anywhere on the line, JSON shapes of `vault list`,
 * `vault get`, `item list`, `item get`, `whoami`, `environment read` (from 2.33.0-beta.02 on,
 * serving `ENVIRONMENTS`); `op env ls` (hidden in op: the names of the
 * variables holding an `op://` reference, one a line; 1Password's load-secrets-action runs
 * it); `op read` and `op inject` with op's secret
 * reference rules (ASCII letters, digits, `-`, `_`, `.` and spaces only; 3 or 4 segments;
 * case-insensitive names after an exact match; IDs first; the unsectioned field wins);
 * errors on stderr as `[ERROR] YYYY/MM/DD HH:MM:SS <message>` with exit code 1. The reference
 * syntax and the matching live in ../reference-semantics.ts (shared with the fake SDK
 * client); this file only words op's messages.
 *
 * It never prints the service-account token (nor any other credential from its
 * environment), except on purpose with `FAKE_OP_FAULT=echo-token` (the token) or
 * `echo-token-body` (its body without `ops_`, and the account JSON that body decodes to).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ENVIRONMENTS,
  type FakeEnvironment,
  SERVICE_ACCOUNT_TOKEN,
  VAULTS,
} from '../../fixtures/vault-data.ts';
import type { FakeField, FakeFile, FakeItem, FakeVault } from '../connect-server.ts';
import {
  findItem as findSharedItem,
  findTarget as findSharedTarget,
  findVault as findSharedVault,
  type Located,
  type LookupError,
  OP_ATTRIBUTES,
  OP_REFERENCE_SHAPE,
  OP_SEGMENT,
  parseOpReference,
  type Reference,
  resolveReference,
  sectionOf,
  type Target,
  type ValueError,
} from '../reference-semantics.ts';
import { base32Encode, totp } from '../totp.ts';

const startedAt = Date.now();
const env = process.env;
const args = process.argv.slice(2);
let stdinBytes = 0;
/** The process the `orphan` fault left holding op's stdout and stderr. */
let orphanPid: number | undefined;

/** The instant OTP codes are computed for: `FAKE_OP_NOW` (epoch ms), else the real time. */
function otpNow(): number {
  const knob = env['FAKE_OP_NOW'];
  if (knob === undefined) return Date.now();
  if (!/^\d+$/.test(knob)) throw new OpError(`fake op: FAKE_OP_NOW ${knob} is not epoch ms`, 3);
  return Number(knob);
}

const DEFAULT_VERSION = '2.30.3';
/** The first op with `op environment read` (a beta build; 1Password's CLI reference). */
const ENVIRONMENT_READ_VERSION = '2.33.0-beta.02';
const CREATED_AT = '2024-03-01T09:00:00Z';
const UPDATED_AT = '2024-06-15T14:30:00Z';
const LAST_EDITED_BY = 'fixtureeditor0000000000000';

// ---------------------------------------------------------------------------------------
// Errors and output

/** A failure op reports: `[ERROR] <time> <message>` on stderr, then this exit code. */
class OpError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Go's `log` timestamp (local time), as op prints it. */
function stamp(date: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}/${p(date.getMonth() + 1)}/${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
  );
}

const stdoutChunks: Buffer[] = [];

function print(text: string | Uint8Array): void {
  stdoutChunks.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text));
}

/** JSON the way Go's encoder writes it (2-space indent, `<`, `>`, `&` escaped). */
function printJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  print(`${text}\n`);
}

function write(stream: NodeJS.WriteStream, data: Uint8Array | string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(data, () => resolve());
  });
}

async function emitStdout(): Promise<void> {
  const data = Buffer.concat(stdoutChunks);
  if (data.length > 0) await write(process.stdout, data);
}

function logInvocation(exitCode: number | null, ended: boolean): void {
  const file = env['FAKE_OP_LOG'];
  if (file === undefined || file === '') return;
  const entry = {
    argv: args,
    opEnv: Object.keys(env)
      .filter((name) => /^OP_/i.test(name))
      .sort(),
    stdinBytes,
    startedAt,
    endedAt: ended ? Date.now() : null,
    pid: process.pid,
    exitCode,
    ...(orphanPid === undefined ? {} : { orphanPid }),
  };
  try {
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  } catch (error) {
    process.stderr.write(`fake op: cannot append to FAKE_OP_LOG: ${String(error)}\n`);
  }
}

// ---------------------------------------------------------------------------------------
// Command line

type Arity = 'bool' | 'value';

/** Every flag the fake knows, with its arity (the same wherever it is accepted). */
const FLAGS: Record<string, Arity> = {
  // op's global flags
  account: 'value',
  cache: 'bool',
  config: 'value',
  debug: 'bool',
  encoding: 'value',
  format: 'value',
  help: 'bool',
  'iso-timestamps': 'bool',
  'no-color': 'bool',
  session: 'value',
  version: 'bool',
  // command flags
  'no-newline': 'bool',
  'out-file': 'value',
  'file-mode': 'value',
  force: 'bool',
  'in-file': 'value',
  vault: 'value',
  categories: 'value',
  tags: 'value',
  'include-archive': 'bool',
  long: 'bool',
  favorite: 'bool',
  fields: 'value',
  otp: 'bool',
  reveal: 'bool',
  group: 'value',
  permission: 'value',
  user: 'value',
};

const SHORT: Record<string, string> = {
  h: 'help',
  n: 'no-newline',
  o: 'out-file',
  f: 'force',
  i: 'in-file',
};

const GLOBAL_FLAGS = [
  'account',
  'cache',
  'config',
  'debug',
  'encoding',
  'format',
  'help',
  'iso-timestamps',
  'no-color',
  'session',
  'version',
];

const COMMAND_FLAGS: Record<string, string[]> = {
  read: ['no-newline', 'out-file', 'file-mode', 'force'],
  inject: ['in-file', 'out-file', 'file-mode', 'force'],
  whoami: [],
  'vault list': ['group', 'permission', 'user'],
  'vault get': [],
  'item list': ['vault', 'categories', 'tags', 'include-archive', 'long', 'favorite'],
  'item get': ['vault', 'fields', 'otp', 'reveal', 'include-archive'],
  'account list': [],
  'env ls': [],
  'environment read': [],
};

const SUBCOMMANDS: Record<string, Record<string, string>> = {
  vault: { list: 'vault list', ls: 'vault list', get: 'vault get' },
  item: { list: 'item list', ls: 'item list', get: 'item get' },
  account: { list: 'account list', ls: 'account list' },
  env: { ls: 'env ls' },
  environment: { read: 'environment read' },
};

/** Real op commands this fake does not implement. */
const UNIMPLEMENTED = new Set([
  'completion',
  'connect',
  'document',
  'events-api',
  'group',
  'plugin',
  'run',
  'service-account',
  'signin',
  'signout',
  'update',
  'user',
]);

interface FlagUse {
  name: string;
  spelled: string;
}

interface Parsed {
  /** `version`, `help`, or a key of COMMAND_FLAGS. */
  command: string;
  operands: string[];
  flags: Map<string, string>;
}

function reportedVersion(): string {
  return env['FAKE_OP_VERSION'] ?? DEFAULT_VERSION;
}

/** Semver order with pre-releases (`2.33.0-beta.02` < `2.33.0`); NaN when unparsable. */
function versionOrder(a: string, b: string): number {
  const split = (text: string): [number[], string[] | undefined] | undefined => {
    const match = /^(\d+)\.(\d+)\.(\d+)(?:-([\w.-]+))?$/.exec(text.trim());
    if (match === null) return undefined;
    return [[1, 2, 3].map((at) => Number(match[at])), match[4]?.split('.')];
  };
  const left = split(a);
  const right = split(b);
  if (left === undefined || right === undefined) return Number.NaN;
  for (let at = 0; at < 3; at += 1) {
    const difference = (left[0][at] ?? 0) - (right[0][at] ?? 0);
    if (difference !== 0) return difference;
  }
  const [x, y] = [left[1], right[1]];
  if (x === undefined || y === undefined)
    return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
  for (let at = 0; at < Math.max(x.length, y.length); at += 1) {
    const [p, q] = [x[at], y[at]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    if (/^\d+$/.test(p) && /^\d+$/.test(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return 0;
}

/**
 * Whether this op has `op environment`: builds from 2.33.0-beta.02 on, unless
 * `FAKE_OP_ENVIRONMENT_COMMAND=0` makes it one without Environments (a stable build).
 */
function hasEnvironmentCommand(): boolean {
  const knob = env['FAKE_OP_ENVIRONMENT_COMMAND'];
  if (knob === '0') return false;
  return versionOrder(reportedVersion(), ENVIRONMENT_READ_VERSION) >= 0;
}

function parseBool(name: string, value: string): string {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return 'true';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return 'false';
  throw new OpError(
    `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

function parseArgs(argv: readonly string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  const uses: FlagUse[] = [];
  let dashDash = false;
  for (let at = 0; at < argv.length; at += 1) {
    const token = argv[at] ?? '';
    if (dashDash || token === '-' || !token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      dashDash = true;
      continue;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      const arity = FLAGS[name];
      if (arity === undefined) throw new OpError(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) {
        value = token.slice(eq + 1);
      } else if (arity === 'value') {
        const next = argv[at + 1];
        if (next === undefined) throw new OpError(`flag needs an argument: --${name}`);
        value = next;
        at += 1;
      } else {
        value = 'true';
      }
      flags.set(name, arity === 'bool' ? parseBool(name, value) : value);
      uses.push({ name, spelled: `--${name}` });
      continue;
    }
    // Shorthands, possibly grouped (`-nf`) or with an attached value (`-ofile`).
    for (let c = 1; c < token.length; c += 1) {
      const letter = token[c] ?? '';
      const name = SHORT[letter];
      if (name === undefined) throw new OpError(`unknown shorthand flag: '${letter}' in ${token}`);
      uses.push({ name, spelled: `-${letter}` });
      if (FLAGS[name] === 'bool') {
        flags.set(name, 'true');
        continue;
      }
      let value = token.slice(c + 1);
      if (value.startsWith('=')) value = value.slice(1);
      if (value === '') {
        const next = argv[at + 1];
        if (next === undefined) {
          throw new OpError(`flag needs an argument: '${letter}' in -${letter}`);
        }
        value = next;
        at += 1;
      }
      flags.set(name, value);
      break;
    }
  }

  let command: string;
  let operands: string[];
  const [first, second, ...rest] = positionals;
  if (first === undefined) {
    command = flags.get('version') === 'true' ? 'version' : 'help';
    operands = [];
  } else if (first === 'read' || first === 'inject' || first === 'whoami') {
    command = first;
    operands = positionals.slice(1);
  } else if (first === 'environment' && !hasEnvironmentCommand()) {
    throw new OpError(`unknown command "${first}" for "op"\nRun 'op --help' for usage.`);
  } else if (first in SUBCOMMANDS) {
    const table = SUBCOMMANDS[first] ?? {};
    if (second === undefined) {
      command = 'help';
      operands = [first];
    } else {
      const sub = table[second];
      if (sub === undefined) {
        if (
          ['create', 'edit', 'delete', 'move', 'share', 'template', 'forget', 'add'].includes(
            second,
          )
        ) {
          throw new OpError(`fake op: "op ${first} ${second}" is not implemented`);
        }
        throw new OpError(`unknown command "${second}" for "op ${first}"`);
      }
      command = sub;
      operands = rest;
    }
  } else if (UNIMPLEMENTED.has(first)) {
    throw new OpError(`fake op: "op ${first}" is not implemented`);
  } else {
    throw new OpError(`unknown command "${first}" for "op"\nRun 'op --help' for usage.`);
  }

  if (flags.get('help') === 'true') command = 'help';
  if (command !== 'help' && command !== 'version') {
    const allowed = new Set([...GLOBAL_FLAGS, ...(COMMAND_FLAGS[command] ?? [])]);
    for (const use of uses) {
      if (!allowed.has(use.name)) {
        throw new OpError(
          use.spelled.startsWith('--')
            ? `unknown flag: ${use.spelled}`
            : `unknown shorthand flag: '${use.spelled.slice(1)}' in ${use.spelled}`,
        );
      }
    }
  }
  return { command, operands, flags };
}

function expectOperands(parsed: Parsed, count: number): void {
  if (parsed.operands.length !== count) {
    throw new OpError(`accepts ${count} arg(s), received ${parsed.operands.length}`);
  }
}

function wantsJson(parsed: Parsed): boolean {
  const format = parsed.flags.get('format') ?? env['OP_FORMAT'] ?? 'human-readable';
  if (format === 'json') return true;
  if (format === 'human-readable') return false;
  throw new OpError(`invalid value "${format}" for --format: use "json" or "human-readable"`);
}

const HELP = `1Password CLI (fake, for tests)

Usage:  op [command] [flags]

Commands:
  account list   List the signed-in accounts
  inject         Inject secrets into a config file
  item get       Get an item's details
  item list      List items
  read           Read a secret reference
  vault get      Get a vault's details
  vault list     List all vaults in the account
  whoami         Get information about a signed-in account

Global Flags:
      --account account    Select the account to execute the command by account shorthand, sign-in address, account ID, or user ID.
      --cache              Store and use cached information. (default true)
      --config directory   Use this configuration directory.
      --debug              Enable debug mode.
      --encoding type      Use this character encoding type.
      --format string      Use this output format. Can be 'human-readable' or 'json'. (default "human-readable")
  -h, --help               Get help for op.
      --iso-timestamps     Format timestamps according to ISO 8601 / RFC 3339.
      --no-color           Print output without color.
      --session token      Authenticate with this session token.
      --version            version for op
`;

// ---------------------------------------------------------------------------------------
// Faults (FAKE_OP_FAULT)

const FAULTS = new Set([
  'crash',
  'hang',
  'orphan',
  'garbage',
  'echo-token',
  'echo-token-body',
  'rate-limit',
  'server-error',
]);

/** `name` or `name@scope`; without a scope every command but `--version` is affected. */
function activeFault(command: string): string | undefined {
  const spec = env['FAKE_OP_FAULT'];
  if (spec === undefined || spec === '') return undefined;
  const at = spec.indexOf('@');
  const name = at < 0 ? spec : spec.slice(0, at);
  const scope = at < 0 ? undefined : spec.slice(at + 1);
  if (!FAULTS.has(name)) {
    throw new OpError(
      `fake op: unknown FAKE_OP_FAULT "${name}" (known: ${[...FAULTS].join(', ')})`,
      3,
    );
  }
  const applies =
    scope === undefined
      ? command !== 'version'
      : scope === 'all' || scope === '*' || command === scope || command.startsWith(`${scope} `);
  if (!applies) return undefined;
  const times = env['FAKE_OP_FAULT_TIMES'];
  if (times !== undefined && times !== '') {
    const counter = env['FAKE_OP_FAULT_COUNTER'];
    if (counter === undefined || counter === '') {
      throw new OpError('fake op: FAKE_OP_FAULT_TIMES needs FAKE_OP_FAULT_COUNTER (a file)', 3);
    }
    const used = existsSync(counter) ? statSync(counter).size : 0;
    if (used >= Number(times)) return undefined;
    appendFileSync(counter, '.');
  }
  return name;
}

/** How long the `orphan` fault's background process lives (tests end it sooner). */
const ORPHAN_LIFETIME_MS = 60_000;

/**
 * Starts a background process that inherits op's stdout and stderr and outlives op, as a daemon
 * op starts might: op's reader sees op exit but its output stay open. Its own process group.
 */
function leaveOrphan(): number | undefined {
  const orphan = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ORPHAN_LIFETIME_MS})`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    windowsHide: true,
  });
  orphan.unref();
  return orphan.pid;
}

const PANIC = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1c2e4f6]

goroutine 1 [running]:
go.1password.io/op/core/b5.(*Client).Vaults(0x0, {0x2a1c3e0, 0xc0000a4000})
	/builds/dev/core/core/b5/client.go:412 +0x36
go.1password.io/op/op-cli/command.(*Read).Run(0xc0001e2000, {0xc0000b6060, 0x1, 0x1})
	/builds/dev/core/op-cli/command/read.go:88 +0x1f4
main.main()
	/builds/dev/core/op-cli/main.go:31 +0x25
`;

const GARBAGE =
  '\u001b[1;31m<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\u001b[0m\n' +
  '{"id": "trunc\u0000\ufffd\ufffd ated\n';

// ---------------------------------------------------------------------------------------
// Data

interface Data {
  vaults: FakeVault[];
}

/** The Environments served: the fixtures, or the JSON file named by `FAKE_OP_ENVIRONMENT_DATA`. */
function loadEnvironments(): readonly FakeEnvironment[] {
  const file = env['FAKE_OP_ENVIRONMENT_DATA'];
  if (file === undefined || file === '') return ENVIRONMENTS;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OpError(`fake op: cannot read FAKE_OP_ENVIRONMENT_DATA ${file}: ${String(error)}`, 3);
  }
  if (!Array.isArray(raw)) {
    throw new OpError(`fake op: FAKE_OP_ENVIRONMENT_DATA ${file} is not an array`, 3);
  }
  return raw as FakeEnvironment[];
}

function loadData(): Data {
  const file = env['FAKE_OP_DATA'];
  if (file === undefined || file === '') return { vaults: VAULTS };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OpError(`fake op: cannot read FAKE_OP_DATA ${file}: ${String(error)}`, 3);
  }
  if (!Array.isArray(raw)) throw new OpError(`fake op: FAKE_OP_DATA ${file} is not an array`, 3);
  const vaults = (raw as FakeVault[]).map((vault) => ({
    ...vault,
    items: vault.items.map((item) => {
      const copy: FakeItem = { ...item };
      if (item.files !== undefined) {
        copy.files = item.files.map((f) => ({
          ...f,
          content: Buffer.from(typeof f.content === 'string' ? f.content : '', 'base64'),
        }));
      }
      return copy;
    }),
  }));
  return { vaults };
}

function bytesOf(content: Uint8Array | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

/** Stable 26-char `[a-z0-9]` ID from a seed, like 1Password's. */
function fakeId(seed: string): string {
  return base32Encode(createHash('sha256').update(seed).digest()).slice(0, 26).toLowerCase();
}

// ---------------------------------------------------------------------------------------
// Authentication

type Session =
  { kind: 'service-account'; url: string } | { kind: 'account'; account: string; url: string };

/** An authentication failure: `bare` for most commands, `client` inside read/inject. */
class AuthError extends OpError {
  readonly client: string;
  constructor(bare: string, client: string) {
    super(bare);
    this.client = client;
  }
}

function hostOf(account: string): string {
  const plain = account
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  return plain.includes('.') ? plain : `${plain}.1password.com`;
}

/** Where Go's base64.StdEncoding would stop on this text, or -1 when it decodes. */
function illegalBase64At(text: string): number {
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at] ?? '';
    if (/[A-Za-z0-9+/]/.test(char)) continue;
    if (char === '=') {
      const tail = text.slice(at);
      const valid =
        text.length % 4 === 0 && (tail === '=' || tail === '==') && at % 4 >= 2 && at > 0;
      if (valid) return -1;
      return at;
    }
    return at;
  }
  return text.length % 4 === 0 ? -1 : text.length - (text.length % 4);
}

function goJsonError(text: string): string {
  const first = text.trimStart()[0];
  if (first === undefined || '{["-0123456789tfn'.includes(first)) {
    return 'unexpected end of JSON input';
  }
  const shown = /^[\x20-\x7e]$/.test(first)
    ? first
    : `\\x${first.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return `invalid character '${shown}' looking for beginning of value`;
}

function checkServiceAccountToken(token: string): void {
  if (token === SERVICE_ACCOUNT_TOKEN) return;
  const payload = token.startsWith('ops_') ? token.slice(4) : token;
  const bad = illegalBase64At(payload);
  let problem: string | undefined;
  if (bad >= 0) {
    problem = `failed to DecodeSACredentials: illegal base64 data at input byte ${bad}`;
  } else {
    const decoded = Buffer.from(payload, 'base64').toString('utf8');
    try {
      const value: unknown = JSON.parse(decoded);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
        problem = `failed to DecodeSACredentials: json: cannot unmarshal ${kind} into Go value of type sa.Credentials`;
      }
    } catch {
      problem = `failed to DecodeSACredentials: ${goJsonError(decoded)}`;
    }
  }
  const message =
    problem === undefined
      ? "(401) Unauthorized: You aren't authorized to perform this action."
      : problem;
  throw new AuthError(
    `error initializing client: ${message}`,
    `error initializing client: ${message}`,
  );
}

function signedInAccounts(): string[] {
  const listed = (env['FAKE_OP_SIGNED_IN'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const sessions = Object.keys(env)
    .filter((name) => /^OP_SESSION_./i.test(name) && (env[name] ?? '') !== '')
    .map((name) => name.slice('OP_SESSION_'.length));
  return [...new Set([...listed, ...sessions])];
}

function authenticate(parsed: Parsed): Session {
  const connect = ['OP_CONNECT_HOST', 'OP_CONNECT_TOKEN'].filter((name) => name in env);
  if (connect.length > 0) {
    throw new OpError(
      `1Password Connect credentials are set in the environment (${connect.join(', ')}): ` +
        'op would talk to the Connect server instead of a service account or an account session; ' +
        'unset OP_CONNECT_HOST and OP_CONNECT_TOKEN to use op',
    );
  }
  const token = env['OP_SERVICE_ACCOUNT_TOKEN'];
  if (token !== undefined && token !== '') {
    checkServiceAccountToken(token);
    return { kind: 'service-account', url: 'https://fixtures.1password.com' };
  }
  const signedOut =
    'You are not currently signed in. Please run `op signin --help` for instructions';
  const accounts = signedInAccounts();
  const wanted = parsed.flags.get('account') ?? env['OP_ACCOUNT'];
  let account: string | undefined;
  if (wanted !== undefined && wanted !== '') {
    account = accounts.find(
      (entry) => entry.toLowerCase() === wanted.toLowerCase() || hostOf(entry) === hostOf(wanted),
    );
  } else if (accounts.length === 1) {
    account = accounts[0];
  }
  if (account === undefined) {
    throw new AuthError(signedOut, `error initializing client: ${signedOut}`);
  }
  return { kind: 'account', account, url: `https://${hostOf(account)}` };
}

// ---------------------------------------------------------------------------------------
// Lookups (the matching itself is ../reference-semantics.ts, shared with the fake SDK)

function visibleVaults(data: Data): FakeVault[] {
  return data.vaults.filter((vault) => vault.accessible !== false);
}

/**
 * op's words for a lookup that names nothing or more than one thing. `vaultLabel` is the
 * vault as the user wrote it (item errors); `where` is `vault/item` (field errors).
 */
function lookupMessage(error: LookupError, vaultLabel: string | undefined, where: string): string {
  switch (error.kind) {
    case 'vaultNotFound':
      return `"${error.key}" isn't a vault in this account. Specify the vault with its ID or name.`;
    case 'tooManyVaults':
      return (
        `More than one vault matches "${error.key}". Try again and specify the vault by its ID:\n` +
        error.matches.map((v) => `\t* for the vault "${v.name}": ${v.id}`).join('\n')
      );
    case 'itemNotFound':
      return vaultLabel === undefined
        ? `"${error.key}" isn't an item. Specify the item with its UUID, name, or domain.`
        : `"${error.key}" isn't an item in the "${vaultLabel}" vault. Specify the item with its UUID, name, or domain.`;
    case 'tooManyItems':
      return (
        `More than one item matches "${error.key}". Try again and specify the item by its ID:\n` +
        error.matches
          .map((m) => `\t* for the item "${m.item.title}" in vault ${m.vault.name}: ${m.item.id}`)
          .join('\n')
      );
    case 'tooManyFields':
      return (
        `More than one field matches "${error.fieldKey}". Try again and specify the field by its ID or section:\n` +
        error.matches
          .map((f) => {
            const section = sectionOf(error.item, f.section?.id);
            const inSection =
              section === undefined ? '' : ` in section "${section.label ?? section.id}"`;
            return `\t* for the field "${f.label ?? ''}"${inSection}: ${f.id}`;
          })
          .join('\n')
      );
    case 'tooManyFiles':
      return (
        `More than one file matches "${error.fieldKey}". Try again and specify the file by its ID:\n` +
        error.matches.map((f) => `\t* for the file "${f.name}": ${f.id}`).join('\n')
      );
    case 'noMatchingSections':
    case 'fieldNotFound':
      return error.sectionKey === undefined
        ? `item '${where}' does not have a field '${error.fieldKey}'`
        : `item '${where}' does not have a field '${error.fieldKey}' in section '${error.sectionKey}'`;
  }
}

function findVault(data: Data, key: string): FakeVault {
  const found = findSharedVault(visibleVaults(data), key);
  if (!found.ok) throw new OpError(lookupMessage(found.error, undefined, ''));
  return found.vault;
}

function findItem(vaults: readonly FakeVault[], key: string, vaultLabel?: string): Located {
  const found = findSharedItem(vaults, key);
  if (!found.ok) throw new OpError(lookupMessage(found.error, vaultLabel, ''));
  return found;
}

function findTarget(
  item: FakeItem,
  sectionKey: string | undefined,
  fieldKey: string,
  where: string,
): Target {
  const found = findSharedTarget(item, sectionKey, fieldKey);
  if (!found.ok) throw new OpError(lookupMessage(found.error, undefined, where));
  return found.target;
}

// ---------------------------------------------------------------------------------------
// Secret references

/** Parses a reference; messages are op's, without the `could not read secret` prefix. */
function parseRef(text: string): Reference {
  const parsed = parseOpReference(text);
  if (parsed.ok) return parsed.ref;
  const error = parsed.error;
  switch (error.kind) {
    case 'noScheme':
      throw new OpError(
        `invalid secret reference '${text}': secret references should start with op://`,
      );
    case 'tooFewSegments':
      throw new OpError(`too few '/': secret references should match ${OP_REFERENCE_SHAPE}`);
    case 'tooManySegments':
      throw new OpError(`too many '/': secret references should match ${OP_REFERENCE_SHAPE}`);
    case 'emptySegment':
      throw new OpError(
        `invalid secret reference: empty vault, item, section or field name: secret references should match ${OP_REFERENCE_SHAPE}`,
      );
    case 'badCharacter':
      throw new OpError(`invalid character in secret reference: '${error.character}'`);
    case 'badAttribute':
      throw new OpError(
        `invalid attribute "${error.value}": the attribute query parameter accepts ${OP_ATTRIBUTES.join(', ')}`,
      );
    case 'badSshFormat':
      throw new OpError(
        `invalid ssh-format "${error.value}": the only supported format is openssh`,
      );
    case 'badQueryKey':
      throw new OpError(`invalid query parameter "${error.key}" in secret reference`);
  }
}

/** op's words for a field or file that cannot give the value asked for. */
function valueMessage(error: ValueError): string {
  if (error.kind === 'queryOnFile') {
    return `query parameters are not supported for the file '${error.file.name}'`;
  }
  const { field } = error;
  const label = field.label ?? field.id;
  switch (error.kind) {
    case 'notOtp':
      return `the "${error.attribute}" attribute is only supported for one-time password fields: field '${label}' is of type ${field.type}`;
    case 'otpFailed':
      return `could not generate a one-time password from field '${label}'`;
    case 'notSshKey':
      return `the "ssh-format" query parameter is only supported for SSH key fields: field '${label}' is of type ${field.type}`;
    case 'sshUnreadable':
    case 'sshUnwritable':
      return `could not convert the SSH key in field '${label}' to OpenSSH format`;
  }
}

interface Resolved {
  bytes: Buffer;
  /** Attached files are printed as they are, without op's newline. */
  file: boolean;
}

async function resolveRef(data: Data, ref: Reference): Promise<Resolved> {
  const outcome = await resolveReference(visibleVaults(data), ref, { now: otpNow() });
  if (outcome.ok) {
    const { resolved } = outcome;
    return resolved.kind === 'file'
      ? { bytes: Buffer.from(resolved.bytes), file: true }
      : { bytes: Buffer.from(resolved.value, 'utf8'), file: false };
  }
  const error = outcome.error;
  switch (error.kind) {
    case 'vaultNotFound':
    case 'tooManyVaults':
    case 'itemNotFound':
    case 'tooManyItems':
      throw new OpError(
        `could not get item ${ref.vault}/${ref.item}: ${lookupMessage(error, ref.vault, '')}`,
      );
    case 'noMatchingSections':
    case 'fieldNotFound':
    case 'tooManyFields':
    case 'tooManyFiles':
      throw new OpError(lookupMessage(error, ref.vault, `${ref.vault}/${ref.item}`));
    default:
      throw new OpError(valueMessage(error));
  }
}

/** Resolves a reference; every failure worded `could not read secret '<ref>': ...`. */
async function readSecret(data: Data, text: string, auth: () => void): Promise<Resolved> {
  try {
    const ref = parseRef(text);
    auth();
    return await resolveRef(data, ref);
  } catch (error) {
    if (error instanceof AuthError) {
      throw new OpError(`could not read secret '${text}': ${error.client}`);
    }
    if (error instanceof OpError) {
      throw new OpError(`could not read secret '${text}': ${error.message}`, error.exitCode);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// JSON shapes

function vaultListJson(vault: FakeVault): Record<string, unknown> {
  return {
    id: vault.id,
    name: vault.name,
    content_version: vault.items.length + 1,
    created_at: CREATED_AT,
    updated_at: UPDATED_AT,
    items: vault.items.length,
  };
}

function vaultGetJson(vault: FakeVault): Record<string, unknown> {
  return {
    id: vault.id,
    name: vault.name,
    content_version: vault.items.length + 1,
    attribute_version: 1,
    items: vault.items.length,
    type: 'USER_CREATED',
    created_at: CREATED_AT,
    updated_at: UPDATED_AT,
  };
}

function additionalInformation(item: FakeItem): string | undefined {
  const category = item.category ?? 'LOGIN';
  if (category === 'LOGIN') {
    return item.fields.find((f) => f.purpose === 'USERNAME')?.value || undefined;
  }
  if (category === 'SSH_KEY') {
    return item.fields.find((f) => f.id === 'fingerprint')?.value || undefined;
  }
  return undefined;
}

function itemOverviewJson(vault: FakeVault, item: FakeItem): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: item.id,
    title: item.title,
  };
  if (item.tags !== undefined && item.tags.length > 0) json['tags'] = item.tags;
  Object.assign(json, {
    version: 1,
    vault: { id: vault.id, name: vault.name },
    category: item.category ?? 'LOGIN',
    last_edited_by: LAST_EDITED_BY,
    created_at: CREATED_AT,
    updated_at: UPDATED_AT,
  });
  const info = additionalInformation(item);
  if (info !== undefined) json['additional_information'] = info;
  return json;
}

/** A name usable in a reference, or the ID when op's syntax cannot carry the name. */
function refPart(name: string | undefined, id: string): string {
  return name !== undefined && OP_SEGMENT.test(name) ? name : id;
}

function fieldJson(vault: FakeVault, item: FakeItem, field: FakeField): Record<string, unknown> {
  const json: Record<string, unknown> = { id: field.id };
  const section = sectionOf(item, field.section?.id);
  if (section !== undefined) {
    json['section'] =
      section.label === undefined ? { id: section.id } : { id: section.id, label: section.label };
  }
  json['type'] = field.type;
  if (field.purpose !== undefined && field.purpose !== '') json['purpose'] = field.purpose;
  json['label'] = field.label ?? '';
  if (field.value !== undefined && field.value !== '') json['value'] = field.value;
  if (field.type === 'OTP' && field.value !== undefined && field.value !== '') {
    try {
      json['totp'] = totp(field.value, otpNow());
    } catch {
      // op shows no code for a seed it cannot read
    }
  }
  const parts = [refPart(vault.name, vault.id), refPart(item.title, item.id)];
  if (section !== undefined) parts.push(refPart(section.label, section.id));
  parts.push(refPart(field.label, field.id));
  json['reference'] = `op://${parts.join('/')}${field.type === 'OTP' ? '?attribute=otp' : ''}`;
  return json;
}

function fileJson(vault: FakeVault, item: FakeItem, file: FakeFile): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: file.id,
    name: file.name,
    size: bytesOf(file.content).length,
    content_path: `/v1/vaults/${vault.id}/items/${item.id}/files/${file.id}/content`,
  };
  if (file.section !== undefined) json['section'] = { id: file.section.id };
  return json;
}

function itemJson(vault: FakeVault, item: FakeItem): Record<string, unknown> {
  const json = itemOverviewJson(vault, item);
  if (item.sections !== undefined && item.sections.length > 0) {
    json['sections'] = item.sections.map((s) =>
      s.label === undefined ? { id: s.id } : { id: s.id, label: s.label },
    );
  }
  json['fields'] = item.fields.map((f) => fieldJson(vault, item, f));
  if (item.files !== undefined && item.files.length > 0) {
    json['files'] = item.files.map((f) => fileJson(vault, item, f));
  }
  return json;
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 4),
        )
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

// ---------------------------------------------------------------------------------------
// Commands

function fileMode(parsed: Parsed): number {
  const text = parsed.flags.get('file-mode') ?? '0600';
  if (!/^0?[0-7]{3}$/.test(text)) {
    throw new OpError(`invalid file mode "${text}": use an octal mode such as 0600`);
  }
  return Number.parseInt(text, 8);
}

function writeOutFile(parsed: Parsed, path: string, bytes: Buffer): void {
  const target = resolvePath(path);
  const mode = fileMode(parsed);
  if (existsSync(target) && parsed.flags.get('force') !== 'true') {
    throw new OpError(`file "${target}" already exists; use --force to overwrite it`);
  }
  writeFileSync(target, bytes, { mode });
  chmodSync(target, mode);
  print(`${target}\n`);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  const all = Buffer.concat(chunks);
  stdinBytes += all.length;
  return all;
}

async function cmdRead(parsed: Parsed, data: Data): Promise<void> {
  expectOperands(parsed, 1);
  const text = parsed.operands[0] ?? '';
  const resolved = await readSecret(data, text, () => authenticate(parsed));
  const outFile = parsed.flags.get('out-file');
  if (outFile !== undefined) {
    writeOutFile(parsed, outFile, resolved.bytes);
    return;
  }
  print(resolved.bytes);
  if (!resolved.file && parsed.flags.get('no-newline') !== 'true') print('\n');
}

const TEMPLATE_REF = /\{\{\s*(op:\/\/[^}]*?)\s*\}\}/g;

async function cmdInject(parsed: Parsed, data: Data): Promise<void> {
  expectOperands(parsed, 0);
  const inFile = parsed.flags.get('in-file');
  let template: Buffer;
  if (inFile !== undefined) {
    try {
      template = readFileSync(inFile);
    } catch {
      throw new OpError(`could not read the template file "${inFile}": no such file or directory`);
    }
  } else {
    template = await readStdin();
  }
  // latin1 keeps every byte of the template as it is outside the references.
  const text = template.toString('latin1');
  const refs = [...text.matchAll(TEMPLATE_REF)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    ref: Buffer.from(m[1] ?? '', 'latin1').toString('utf8'),
  }));
  let session: Session | undefined;
  const auth = (): void => {
    session ??= authenticate(parsed);
  };
  if (refs.length === 0) auth();
  const values = new Map<string, Buffer>();
  for (const { ref } of refs) {
    if (!values.has(ref)) values.set(ref, (await readSecret(data, ref, auth)).bytes);
  }
  const pieces: Buffer[] = [];
  let at = 0;
  for (const { start, end, ref } of refs) {
    pieces.push(Buffer.from(text.slice(at, start), 'latin1'), values.get(ref) ?? Buffer.alloc(0));
    at = end;
  }
  pieces.push(Buffer.from(text.slice(at), 'latin1'));
  const output = Buffer.concat(pieces);
  const outFile = parsed.flags.get('out-file');
  if (outFile !== undefined) writeOutFile(parsed, outFile, output);
  else print(output);
}

function cmdWhoami(parsed: Parsed, session: Session): void {
  expectOperands(parsed, 0);
  const json =
    session.kind === 'service-account'
      ? {
          url: session.url,
          user_uuid: fakeId('service-account-user'),
          account_uuid: fakeId('service-account-account'),
          user_type: 'SERVICE_ACCOUNT',
        }
      : {
          url: session.url,
          email: `${session.account.replace(/\..*$/, '')}@example.test`,
          user_uuid: fakeId(`user:${hostOf(session.account)}`),
          account_uuid: fakeId(`account:${hostOf(session.account)}`),
          user_type: 'HUMAN',
        };
  if (wantsJson(parsed)) {
    printJson(json);
    return;
  }
  print(
    `URL:               ${json.url}\n` +
      ('email' in json ? `Email:             ${json.email}\n` : '') +
      `User ID:           ${json.user_uuid}\n` +
      `User Type:         ${json.user_type}\n`,
  );
}

/** Reads the environment only, in its order (whether op signs in first is not modelled). */
function cmdEnvLs(parsed: Parsed): void {
  expectOperands(parsed, 0);
  for (const [name, value] of Object.entries(env)) {
    if (value?.startsWith('op://') === true) print(`${name}\n`);
  }
}

/**
 * `op environment read <id>`: the variables in the Environment's order, as `[{name, value}]`
 * with `--format json`, else `NAME=value` lines. The Environment is named by its ID only.
 */
function cmdEnvironmentRead(parsed: Parsed): void {
  expectOperands(parsed, 1);
  const id = parsed.operands[0] ?? '';
  const environment = loadEnvironments().find((candidate) => candidate.id === id);
  if (environment === undefined) {
    throw new OpError(
      `"${id}" isn't an environment in this account. Specify the environment with its ID.`,
    );
  }
  const variables = environment.variables.map(({ name, value }) => ({ name, value }));
  if (wantsJson(parsed)) {
    printJson(variables);
    return;
  }
  print(variables.map(({ name, value }) => `${name}=${value}\n`).join(''));
}

function cmdAccountList(parsed: Parsed): void {
  expectOperands(parsed, 0);
  const accounts = signedInAccounts().map((account) => ({
    url: hostOf(account),
    email: `${account.replace(/\..*$/, '')}@example.test`,
    user_uuid: fakeId(`user:${hostOf(account)}`),
    account_uuid: fakeId(`account:${hostOf(account)}`),
  }));
  if (wantsJson(parsed)) {
    printJson(accounts);
    return;
  }
  print(
    table([['URL', 'EMAIL', 'USER ID'], ...accounts.map((a) => [a.url, a.email, a.user_uuid])]),
  );
}

function cmdVaultList(parsed: Parsed, data: Data): void {
  expectOperands(parsed, 0);
  const vaults = visibleVaults(data);
  if (wantsJson(parsed)) {
    printJson(vaults.map(vaultListJson));
    return;
  }
  print(table([['ID', 'NAME'], ...vaults.map((v) => [v.id, v.name])]));
}

function cmdVaultGet(parsed: Parsed, data: Data): void {
  expectOperands(parsed, 1);
  const vault = findVault(data, parsed.operands[0] ?? '');
  if (wantsJson(parsed)) {
    printJson(vaultGetJson(vault));
    return;
  }
  print(
    `ID:                   ${vault.id}\n` +
      `Name:                 ${vault.name}\n` +
      `Type:                 USER_CREATED\n` +
      `Attribute version:    1\n` +
      `Content version:      ${vault.items.length + 1}\n` +
      `Items:                ${vault.items.length}\n` +
      `Created:              ${CREATED_AT}\n` +
      `Updated:              ${UPDATED_AT}\n`,
  );
}

function scopeVaults(parsed: Parsed, data: Data): FakeVault[] {
  const vault = parsed.flags.get('vault');
  return vault === undefined ? visibleVaults(data) : [findVault(data, vault)];
}

function cmdItemList(parsed: Parsed, data: Data): void {
  expectOperands(parsed, 0);
  const normalize = (category: string): string => category.trim().toUpperCase().replace(/ /g, '_');
  const categories = parsed.flags
    .get('categories')
    ?.split(',')
    .map(normalize)
    .filter((c) => c !== '');
  const tags = parsed.flags
    .get('tags')
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const entries = scopeVaults(parsed, data).flatMap((vault) =>
    vault.items
      .filter(
        (item) =>
          (categories === undefined || categories.includes(item.category ?? 'LOGIN')) &&
          (tags === undefined || tags.some((tag) => item.tags?.includes(tag) === true)),
      )
      .map((item) => ({ vault, item })),
  );
  if (wantsJson(parsed)) {
    printJson(entries.map(({ vault, item }) => itemOverviewJson(vault, item)));
    return;
  }
  print(
    table([
      ['ID', 'TITLE', 'VAULT', 'EDITED'],
      ...entries.map(({ vault, item }) => [item.id, item.title, vault.name, '1 year ago']),
    ]),
  );
}

function cmdItemGet(parsed: Parsed, data: Data): void {
  expectOperands(parsed, 1);
  const key = parsed.operands[0] ?? '';
  const vaultFlag = parsed.flags.get('vault');
  const { vault, item } = findItem(scopeVaults(parsed, data), key, vaultFlag);
  if (parsed.flags.get('otp') === 'true') {
    const otp = item.fields.find((f) => f.type === 'OTP' && (f.value ?? '') !== '');
    if (otp === undefined) {
      throw new OpError(`item "${item.title}" doesn't have a one-time password field`);
    }
    print(`${totp(otp.value ?? '', otpNow())}\n`);
    return;
  }
  const fieldsFlag = parsed.flags.get('fields');
  if (fieldsFlag !== undefined) {
    const chosen: FakeField[] = [];
    for (const spec of fieldsFlag.split(',').map((s) => s.trim())) {
      if (spec.startsWith('type=')) {
        const type = spec.slice(5).toUpperCase();
        chosen.push(...item.fields.filter((f) => f.type === type));
        continue;
      }
      const label = spec.startsWith('label=') ? spec.slice(6) : spec;
      const target = findTarget(item, undefined, label, `${vault.name}/${item.title}`);
      if (target.kind === 'field') chosen.push(target.field);
    }
    if (wantsJson(parsed)) {
      const fields = chosen.map((f) => fieldJson(vault, item, f));
      printJson(fields.length === 1 ? fields[0] : fields);
    } else {
      print(`${chosen.map((f) => f.value ?? '').join(',')}\n`);
    }
    return;
  }
  if (wantsJson(parsed)) {
    printJson(itemJson(vault, item));
    return;
  }
  const reveal = parsed.flags.get('reveal') === 'true';
  const lines = [
    `ID:          ${item.id}`,
    `Title:       ${item.title}`,
    `Vault:       ${vault.name} (${vault.id})`,
    `Created:     ${CREATED_AT}`,
    `Updated:     ${UPDATED_AT}`,
    `Favorite:    false`,
    `Version:     1`,
    `Category:    ${item.category ?? 'LOGIN'}`,
    `Fields:`,
    ...item.fields.map((f) => {
      const hidden = (f.type === 'CONCEALED' || f.type === 'SSHKEY') && !reveal;
      const shown = hidden
        ? `[use 'op item get ${item.id} --reveal' to reveal]`
        : f.type === 'OTP'
          ? totp(f.value ?? '', otpNow())
          : (f.value ?? '');
      return `  ${f.label ?? f.id}:${' '.repeat(Math.max(1, 12 - (f.label ?? f.id).length))}${shown}`;
    }),
  ];
  print(`${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------
// Main

interface Outcome {
  code: number;
  /** Written to stderr as is (after stdout). */
  stderr?: string;
}

function errorText(message: string): string {
  return `[ERROR] ${stamp()} ${message}\n`;
}

async function run(): Promise<Outcome> {
  const delay = Number(env['FAKE_OP_DELAY_MS'] ?? '0');
  if (Number.isFinite(delay) && delay > 0) await sleep(delay);

  let parsed: Parsed | undefined;
  let parseError: OpError | undefined;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof OpError)) throw error;
    parseError = error;
  }

  const fault = activeFault(parsed?.command ?? '');
  switch (fault) {
    case 'crash':
      return { code: 2, stderr: PANIC };
    case 'orphan':
      orphanPid = leaveOrphan();
      break;
    case 'hang':
      logInvocation(null, false);
      setInterval(() => {}, 1 << 30);
      await new Promise<never>(() => {});
      break;
    case 'garbage':
      print(GARBAGE);
      return { code: 0 };
    case 'echo-token': {
      const token = env['OP_SERVICE_ACCOUNT_TOKEN'] ?? '';
      return {
        code: 1,
        stderr: errorText(
          `error initializing client: the service account token "${token}" could not be used: (401) Unauthorized`,
        ),
      };
    }
    case 'echo-token-body': {
      const body = (env['OP_SERVICE_ACCOUNT_TOKEN'] ?? '').replace(/^ops_/, '');
      const decoded = Buffer.from(body, 'base64url').toString('utf8');
      return {
        code: 1,
        stderr: errorText(
          `error initializing client: invalid token body "${body}" (decoded: ${decoded}): (401) Unauthorized`,
        ),
      };
    }
    case 'rate-limit':
      return {
        code: 1,
        stderr: errorText(
          "(429) Too Many Requests: You've reached the maximum number of requests allowed. Try again later.",
        ),
      };
    case 'server-error':
      return {
        code: 1,
        stderr: errorText('(500) Internal Server Error: the server encountered an error'),
      };
    default:
      break;
  }
  if (parseError !== undefined || parsed === undefined) {
    throw parseError ?? new OpError('could not parse the command line');
  }
  if (parsed.command === 'version') {
    print(`${reportedVersion()}\n`);
    return { code: 0 };
  }
  if (parsed.command === 'help') {
    print(
      hasEnvironmentCommand()
        ? HELP.replace(
            '  inject ',
            '  environment read  Read environment variables from a 1Password Environment\n  inject ',
          )
        : HELP,
    );
    return { code: 0 };
  }
  if (parsed.command === 'account list') {
    cmdAccountList(parsed);
    return { code: 0 };
  }
  if (parsed.command === 'env ls') {
    cmdEnvLs(parsed);
    return { code: 0 };
  }

  const data = loadData();
  switch (parsed.command) {
    case 'read':
      await cmdRead(parsed, data);
      break;
    case 'inject':
      await cmdInject(parsed, data);
      break;
    default: {
      const session = authenticate(parsed);
      if (parsed.command === 'whoami') cmdWhoami(parsed, session);
      else if (parsed.command === 'vault list') cmdVaultList(parsed, data);
      else if (parsed.command === 'vault get') cmdVaultGet(parsed, data);
      else if (parsed.command === 'item list') cmdItemList(parsed, data);
      else if (parsed.command === 'item get') cmdItemGet(parsed, data);
      else if (parsed.command === 'environment read') cmdEnvironmentRead(parsed);
      else throw new OpError(`fake op: "op ${parsed.command}" is not implemented`);
    }
  }
  return { code: 0 };
}

async function main(): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    stdoutChunks.length = 0; // op prints nothing on stdout when it fails
    if (error instanceof OpError) {
      outcome = { code: error.exitCode, stderr: errorText(error.message) };
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcome = { code: 3, stderr: `fake op: internal error: ${detail}\n` };
    }
  }
  await emitStdout();
  if (outcome.stderr !== undefined) await write(process.stderr, outcome.stderr);
  logInvocation(outcome.code, true);
  process.exitCode = outcome.code;
}

await main();
