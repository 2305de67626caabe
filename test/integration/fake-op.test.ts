/**
 * Self-tests of the fake 1Password CLI (test/fakes/op): run through its POSIX launcher
 * with `child_process.execFile` (no shell), `PATH` starting with `FAKE_OP_BIN_DIR` and a
 * controlled environment. If the fake is wrong, every CLI test built on it proves nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import sshpk from 'sshpk';
import {
  endLeftRunning,
  FAKE_OP_BIN_DIR,
  FAKE_OP_DEFAULT_VERSION,
  FAKE_OP_ENVIRONMENT_READ_VERSION,
  type FakeOpOptions,
  type FakeOpRun,
  fakeOpEnv,
  fakeOpPath,
  readOpLog,
  runFakeOp,
  writeOpData,
  writeOpEnvironments,
} from '../fakes/op/index.ts';
import { totp, totpsBetween } from '../fakes/totp.ts';
import {
  BINARY_FILE_BYTES,
  ENVIRONMENT_IDS,
  ENVIRONMENTS,
  IDS,
  MFA_OTP_URI,
  SECTION_IDS,
  SERVICE_ACCOUNT_TOKEN,
  SSH_FINGERPRINT,
  VALUES,
  VAULTS,
} from '../fixtures/vault-data.ts';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'fake-op-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const tempFile = (name: string): string => join(dir, `${(counter += 1)}-${name}`);

/** The environment of an op run: nothing inherited but PATH (with the fake first). */
function opEnv(
  options: FakeOpOptions = {},
  extra: Record<string, string> = {},
): Record<string, string> {
  return { PATH: fakeOpPath(), ...fakeOpEnv(options), ...extra };
}

const SA = { OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN };
/** An instant for FAKE_OP_NOW: its OTP code is known whenever the test runs. */
const OTP_AT = Date.UTC(2030, 0, 1, 12, 0, 10);

function op(
  args: string[],
  extra: Record<string, string> = SA,
  options: FakeOpOptions = {},
  run: { input?: string; timeoutMs?: number; killWhen?: Promise<unknown> } = {},
): Promise<FakeOpRun> {
  return runFakeOp(args, { env: opEnv(options, extra), ...run });
}

/** Whether `file` holds a logged invocation (a line being written counts once complete). */
function loggedAny(file: string): boolean {
  try {
    return readOpLog(file).length > 0;
  } catch {
    return false;
  }
}

const ERROR_PREFIX = /^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

/** op's message from a failed run (asserting exit 1, empty stdout and the `[ERROR]` format). */
function failure(run: FakeOpRun): string {
  assert.equal(run.code, 1, `expected exit 1, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stdout.length, 0, 'a failing op prints nothing on stdout');
  assert.match(run.stderr, ERROR_PREFIX);
  assert.ok(run.stderr.endsWith('\n'));
  return run.stderr.replace(ERROR_PREFIX, '').slice(0, -1);
}

function ok(run: FakeOpRun): string {
  assert.equal(run.code, 0, `expected exit 0, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stderr, '');
  return run.stdout.toString('utf8');
}

function json(run: FakeOpRun): unknown {
  return JSON.parse(ok(run));
}

type Json = Record<string, unknown>;

const NOT_SIGNED_IN =
  'You are not currently signed in. Please run `op signin --help` for instructions';

describe('fake op', { skip: !posix && 'POSIX launcher', concurrency: 4 }, () => {
  it('prints its version, overridable, without any credentials', async () => {
    assert.equal(FAKE_OP_DEFAULT_VERSION, '2.30.3');
    assert.equal(ok(await op(['--version'], {})), '2.30.3\n');
    assert.equal(ok(await op(['--version'], {}, { version: '1.12.4' })), '1.12.4\n');
    assert.ok(FAKE_OP_BIN_DIR.endsWith('bin'));
  });

  it('accepts global flags anywhere and rejects unknown commands and flags', async () => {
    const vaults = json(
      await op(['--no-color', 'vault', '--format', 'json', 'list', '--cache=false', '--debug']),
    );
    assert.ok(Array.isArray(vaults));
    assert.equal(
      failure(await op(['frobnicate'])),
      `unknown command "frobnicate" for "op"\nRun 'op --help' for usage.`,
    );
    assert.equal(failure(await op(['vault', 'list', '--bogus'])), 'unknown flag: --bogus');
  });

  describe('authentication', () => {
    it('accepts the fixtures service account and never prints its token', async () => {
      const run = await op(['whoami', '--format=json', '--account', 'ignored']);
      const me = json(run) as Json;
      assert.equal(me['user_type'], 'SERVICE_ACCOUNT');
      assert.equal(me['url'], 'https://fixtures.1password.com');
      assert.ok(!run.stdout.toString().includes(SERVICE_ACCOUNT_TOKEN));
    });

    it('rejects a malformed token the way op does', async () => {
      const token = 'ops_this-is-not*base64';
      const run = await op(['vault', 'list', '--format', 'json'], {
        OP_SERVICE_ACCOUNT_TOKEN: token,
      });
      assert.equal(
        failure(run),
        'error initializing client: failed to DecodeSACredentials: illegal base64 data at input byte 4',
      );
      assert.ok(!run.stderr.includes(token));
    });

    it('rejects a well-formed token it does not know with a 401', async () => {
      const token = `ops_${Buffer.from(JSON.stringify({ signInAddress: 'x.1password.com', email: 'other@x' })).toString('base64')}`;
      const run = await op(['read', 'op://Engineering/deploy/token'], {
        OP_SERVICE_ACCOUNT_TOKEN: token,
      });
      assert.equal(
        failure(run),
        "could not read secret 'op://Engineering/deploy/token': error initializing client: " +
          "(401) Unauthorized: You aren't authorized to perform this action.",
      );
      assert.ok(!run.stderr.includes(token.slice(4)));
    });

    it('uses the one signed-in account, or the one --account names', async () => {
      const one = await op(['whoami', '--format', 'json'], {}, { signedIn: ['alpha'] });
      assert.equal((json(one) as Json)['url'], 'https://alpha.1password.com');
      assert.equal((json(one) as Json)['user_type'], 'HUMAN');

      const two = { signedIn: ['alpha', 'beta.1password.com'] };
      assert.equal(failure(await op(['vault', 'list'], {}, two)), NOT_SIGNED_IN);
      const beta = await op(['--account', 'beta', 'vault', 'list', '--format', 'json'], {}, two);
      assert.equal((json(beta) as Json[]).length, 5);
      const byUrl = await op(
        ['read', '--account=https://beta.1password.com', 'op://Engineering/legacy/credential'],
        {},
        two,
      );
      assert.equal(ok(byUrl), `${VALUES.legacyCredential}\n`);
      assert.equal(
        failure(await op(['vault', 'list', '--account', 'gamma'], {}, two)),
        NOT_SIGNED_IN,
      );
      assert.equal(
        failure(await op(['read', 'op://Engineering/deploy/token'], {})),
        `could not read secret 'op://Engineering/deploy/token': error initializing client: ${NOT_SIGNED_IN}`,
      );
    });

    it('refuses to run with Connect credentials in its environment', async () => {
      const connect = {
        OP_CONNECT_HOST: 'http://127.0.0.1:1',
        OP_CONNECT_TOKEN: 'connect-jwt-7f3e',
      };
      const run = await op(['read', 'op://Engineering/deploy/token'], { ...SA, ...connect });
      const message = failure(run);
      assert.match(message, /Connect credentials are set.*OP_CONNECT_HOST, OP_CONNECT_TOKEN/);
      assert.ok(!message.includes('connect-jwt-7f3e'));
      assert.equal(ok(await op(['--version'], connect)), '2.30.3\n');
    });
  });

  describe('vaults and items', () => {
    it('lists the visible vaults in op’s shape', async () => {
      const vaults = json(await op(['vault', 'list', '--format', 'json'])) as Json[];
      assert.deepEqual(
        vaults.map((v) => v['name']),
        ['Engineering', 'Platform', 'Shared', 'Shared', 'Équipe ☃'],
      );
      for (const vault of vaults) {
        assert.deepEqual(Object.keys(vault).sort(), [
          'content_version',
          'created_at',
          'id',
          'items',
          'name',
          'updated_at',
        ]);
      }
      const engineering = VAULTS.find((v) => v.id === IDS.vaults.engineering);
      assert.equal(vaults[0]?.['items'], engineering?.items.length);
    });

    it('gets a vault by ID or name, and says when it is not one', async () => {
      const byName = json(await op(['vault', 'get', 'Platform', '--format', 'json'])) as Json;
      assert.equal(byName['id'], IDS.vaults.platform);
      const run = await op(['vault', 'get', IDS.vaults.restricted, '--format', 'json']);
      assert.equal(
        failure(run),
        `"${IDS.vaults.restricted}" isn't a vault in this account. Specify the vault with its ID or name.`,
      );
    });

    it('lists item overviews without fields', async () => {
      const items = json(
        await op(['item', 'list', '--vault', 'Engineering', '--format', 'json']),
      ) as Json[];
      const engineering = VAULTS.find((v) => v.id === IDS.vaults.engineering);
      assert.equal(items.length, engineering?.items.length);
      const deploy = items.find((i) => i['id'] === IDS.items.deploy);
      assert.deepEqual(deploy, {
        id: IDS.items.deploy,
        title: 'deploy',
        version: 1,
        vault: { id: IDS.vaults.engineering, name: 'Engineering' },
        category: 'LOGIN',
        last_edited_by: 'fixtureeditor0000000000000',
        created_at: '2024-03-01T09:00:00Z',
        updated_at: '2024-06-15T14:30:00Z',
        additional_information: VALUES.deployUsername,
      });
      assert.ok(items.every((i) => !('fields' in i)));
      assert.equal(
        failure(await op(['item', 'list', '--vault', 'Nope', '--format', 'json'])),
        `"Nope" isn't a vault in this account. Specify the vault with its ID or name.`,
      );
    });

    it('gets a full item with values, references, OTP codes and files', async () => {
      const [deploy, mfa, api, certs, equipe] = (await Promise.all([
        op(['item', 'get', 'deploy', '--vault', 'Engineering', '--format', 'json']),
        op(
          ['item', 'get', IDS.items.mfa, '--vault', IDS.vaults.engineering, '--format', 'json'],
          SA,
          { now: OTP_AT },
        ),
        op(['item', 'get', 'api', '--vault', 'Platform', '--format', 'json']),
        op(['item', 'get', 'certs', '--vault', 'Engineering', '--format', 'json']),
        op(['item', 'get', 'team-config', '--vault', 'Équipe ☃', '--format', 'json']),
      ]).then((runs) => runs.map((run) => json(run)))) as Json[];

      assert.deepEqual((deploy?.['fields'] as Json[])[1], {
        id: 'password',
        type: 'CONCEALED',
        purpose: 'PASSWORD',
        label: 'password',
        value: VALUES.deployPassword,
        reference: 'op://Engineering/deploy/password',
      });
      assert.deepEqual(deploy?.['vault'], { id: IDS.vaults.engineering, name: 'Engineering' });

      const otp = (mfa?.['fields'] as Json[]).find((f) => f['type'] === 'OTP');
      assert.equal(otp?.['value'], MFA_OTP_URI);
      assert.equal(otp?.['totp'], totp(MFA_OTP_URI, OTP_AT));
      assert.equal(otp?.['reference'], 'op://Engineering/mfa/one-time password?attribute=otp');

      assert.deepEqual(api?.['sections'], [
        { id: SECTION_IDS.apiPrimary, label: 'primary' },
        { id: SECTION_IDS.apiSecondary, label: 'secondary' },
      ]);
      const primary = (api?.['fields'] as Json[])[0];
      assert.deepEqual(primary?.['section'], { id: SECTION_IDS.apiPrimary, label: 'primary' });
      assert.equal(primary?.['reference'], 'op://Platform/api/primary/key');

      const files = certs?.['files'] as Json[];
      assert.deepEqual(
        files.map((f) => f['name']),
        ['bundle.pem', 'binary.bin', 'bom.txt', 'config.json'],
      );
      assert.deepEqual(files[1], {
        id: IDS.files.binaryBin,
        name: 'binary.bin',
        size: BINARY_FILE_BYTES.length,
        content_path: `/v1/vaults/${IDS.vaults.engineering}/items/${IDS.items.certs}/files/${IDS.files.binaryBin}/content`,
      });

      // A name op's reference syntax cannot carry is given by ID.
      assert.equal(
        (equipe?.['fields'] as Json[])[0]?.['reference'],
        `op://${IDS.vaults.equipe}/team-config/token`,
      );
    });

    it('says when an item is unknown or ambiguous', async () => {
      assert.equal(
        failure(await op(['item', 'get', 'nope', '--vault', 'Engineering', '--format', 'json'])),
        `"nope" isn't an item in the "Engineering" vault. Specify the item with its UUID, name, or domain.`,
      );
      assert.equal(
        failure(await op(['item', 'get', 'twin', '--vault', 'Engineering', '--format', 'json'])),
        'More than one item matches "twin". Try again and specify the item by its ID:\n' +
          `\t* for the item "twin" in vault Engineering: ${IDS.items.twinA}\n` +
          `\t* for the item "twin" in vault Engineering: ${IDS.items.twinB}`,
      );
    });
  });

  describe('op read', () => {
    it('reads plain and sectioned fields, IDs first, the unsectioned field winning', async () => {
      const [plain, sectioned, byId, unsectioned, anyCase] = await Promise.all([
        op(['read', 'op://Engineering/deploy/token']),
        op(['read', 'op://Platform/queue/eu/password']),
        op(['read', `op://Engineering/${IDS.items.idTarget}/token`]),
        op(['read', 'op://Platform/api/key']),
        op(['read', 'op://engineering/DEPLOY/Token']),
      ]);
      assert.equal(ok(plain), `${VALUES.deployToken}\n`);
      assert.equal(ok(sectioned), `${VALUES.queueEuPassword}\n`);
      assert.equal(ok(byId), `${VALUES.idTargetToken}\n`);
      assert.equal(ok(unsectioned), `${VALUES.apiKeyUnsectioned}\n`);
      assert.equal(ok(anyCase), `${VALUES.deployToken}\n`);
    });

    it('prints a multi-line value exactly under -n, with one more newline without', async () => {
      const [exact, withNewline] = await Promise.all([
        op(['read', '-n', 'op://Engineering/deploy/notesPlain']),
        op(['read', 'op://Engineering/deploy/notesPlain']),
      ]);
      assert.equal(ok(exact), VALUES.deployNotes);
      assert.equal(ok(withNewline), `${VALUES.deployNotes}\n`);
    });

    it('gives the current one-time code with ?attribute=otp', async () => {
      const args = ['read', '--no-newline', 'op://Engineering/mfa/one-time password?attribute=otp'];
      const from = Date.now();
      const code = ok(await op(args));
      assert.ok(totpsBetween(MFA_OTP_URI, from, Date.now()).includes(code), code);
      // FAKE_OP_NOW: the code of that instant.
      assert.equal(ok(await op(args, SA, { now: OTP_AT })), totp(MFA_OTP_URI, OTP_AT));
    });

    it('converts an SSH key with ?ssh-format=openssh', async () => {
      const text = ok(
        await op(['read', '-n', 'op://Engineering/ssh/private key?ssh-format=openssh']),
      );
      assert.match(
        text,
        /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+-----END OPENSSH PRIVATE KEY-----\n$/,
      );
      const key = sshpk.parsePrivateKey(text, 'ssh');
      assert.equal(key.fingerprint('sha256').toString(), SSH_FINGERPRINT);
    });

    it('writes an attached file’s exact bytes, by name or ID', async () => {
      const [byName, byId] = await Promise.all([
        op(['read', 'op://Engineering/certs/binary.bin']),
        op([
          'read',
          '--no-newline',
          `op://${IDS.vaults.engineering}/${IDS.items.certs}/${IDS.files.binaryBin}`,
        ]),
      ]);
      assert.equal(byName.code, 0);
      assert.deepEqual(new Uint8Array(byName.stdout), BINARY_FILE_BYTES);
      assert.deepEqual(new Uint8Array(byId.stdout), BINARY_FILE_BYTES);
    });

    it('fails with op’s messages', async () => {
      const cases: [string, string][] = [
        ['op://Engineering/deploy/nope', "item 'Engineering/deploy' does not have a field 'nope'"],
        [
          'op://Engineering/services/loom/deploy/token',
          "too many '/': secret references should match op://<vault>/<item>[/<section>]/<field>",
        ],
        [
          'op://Platform/db/staging/password',
          'could not get item Platform/db: "db" isn\'t an item in the "Platform" vault. Specify the item with its UUID, name, or domain.',
        ],
        [
          'op://Nope/deploy/token',
          'could not get item Nope/deploy: "Nope" isn\'t a vault in this account. Specify the vault with its ID or name.',
        ],
        ['op://Équipe ☃/team-config/token', "invalid character in secret reference: 'É'"],
      ];
      const runs = await Promise.all(cases.map(([ref]) => op(['read', ref])));
      runs.forEach((run, index) => {
        const [ref, message] = cases[index] ?? ['', ''];
        assert.equal(failure(run), `could not read secret '${ref}': ${message}`);
      });

      const [dup, notOtp] = await Promise.all([
        op(['read', 'op://Platform/dup-field/secret']),
        op(['read', 'op://Engineering/deploy/token?attribute=otp']),
      ]);
      assert.match(
        failure(dup),
        /^could not read secret '[^']+': More than one field matches "secret"/,
      );
      assert.match(failure(notOtp), /only supported for one-time password fields/);
    });
  });

  describe('op inject', () => {
    it('replaces every reference with its exact value', async () => {
      const log = tempFile('inject.log');
      const template =
        'token={{ op://Engineering/deploy/token }}\n' +
        'password={{op://Platform/queue/eu/password}}\n' +
        'notes="{{ op://Engineering/deploy/notesPlain }}"\n' +
        'again={{ op://Engineering/deploy/token}}\n' +
        'untouched=${{ secrets.X }} {{ not-a-ref }}\n';
      const run = await op(['inject'], SA, { logFile: log }, { input: template });
      assert.equal(
        ok(run),
        `token=${VALUES.deployToken}\n` +
          `password=${VALUES.queueEuPassword}\n` +
          `notes="${VALUES.deployNotes}"\n` +
          `again=${VALUES.deployToken}\n` +
          'untouched=${{ secrets.X }} {{ not-a-ref }}\n',
      );
      assert.equal(readOpLog(log)[0]?.stdinBytes, Buffer.byteLength(template));
    });

    it('prints nothing on stdout when any reference fails, and names the first', async () => {
      const template =
        'a={{ op://Engineering/deploy/token }}\n' +
        'b={{ op://Engineering/deploy/missing }}\n' +
        'c={{ op://Engineering/nope/token }}\n';
      const run = await op(['inject'], SA, {}, { input: template });
      assert.equal(
        failure(run),
        "could not read secret 'op://Engineering/deploy/missing': item 'Engineering/deploy' does not have a field 'missing'",
      );
    });
  });

  describe('op env ls', () => {
    it('lists the variables holding an op:// reference, one a line', async () => {
      const extra = {
        ...SA,
        B_REF: 'op://Engineering/deploy/token',
        PLAIN: 'hello',
        A_REF: 'op://V/I/F',
        NOT_A_REF: 'see op://V/I/F',
      };
      const names = ok(await op(['env', 'ls'], extra));
      assert.deepEqual(names.split('\n').sort(), ['', 'A_REF', 'B_REF']);
      assert.equal(ok(await op(['env', 'ls'])), '');
      assert.equal(failure(await op(['env', 'ls', 'X'])), 'accepts 0 arg(s), received 1');
    });
  });

  describe('op environment read', () => {
    const ENV_OP: FakeOpOptions = { version: FAKE_OP_ENVIRONMENT_READ_VERSION };
    const read = (id: string, extra: Record<string, string> = SA, options = ENV_OP) =>
      op(['environment', 'read', id, '--format', 'json'], extra, options);
    const staging = ENVIRONMENTS.find((environment) => environment.id === ENVIRONMENT_IDS.staging);
    const UNKNOWN_COMMAND = `unknown command "environment" for "op"\nRun 'op --help' for usage.`;

    it('exists from 2.33.0-beta.02 on; an older op, or a build without it, says unknown command', async () => {
      assert.equal(FAKE_OP_ENVIRONMENT_READ_VERSION, '2.33.0-beta.02');
      const runs = await Promise.all(
        ['2.30.3', '2.33.0-beta.01', '2.33.0-beta.02', '2.33.0', '2.41.0'].map((version) =>
          read(ENVIRONMENT_IDS.empty, SA, { version }),
        ),
      );
      assert.deepEqual(
        runs.map((run) => (run.code === 0 ? ok(run) : failure(run))),
        [UNKNOWN_COMMAND, UNKNOWN_COMMAND, '[]\n', '[]\n', '[]\n'],
      );
      // The default version has no `op environment`, like a real 2.30.3.
      assert.equal(failure(await read(ENVIRONMENT_IDS.empty, SA, {})), UNKNOWN_COMMAND);
      const stable = { version: '2.41.0', environmentCommand: false };
      assert.equal(failure(await read(ENVIRONMENT_IDS.empty, SA, stable)), UNKNOWN_COMMAND);
      assert.match(ok(await op(['--help'], {}, ENV_OP)), /environment read/);
      assert.doesNotMatch(ok(await op(['--help'], {})), /environment/);
    });

    it('prints every variable in order as [{name, value}], values exact; NAME=value lines without --format', async () => {
      assert.ok(staging !== undefined);
      const expected = staging.variables.map(({ name, value }) => ({ name, value }));
      const run = await read(ENVIRONMENT_IDS.staging);
      assert.deepEqual(json(run), expected);
      assert.ok(!run.stdout.toString('utf8').includes(SERVICE_ACCOUNT_TOKEN));
      const lines = ok(await op(['environment', 'read', ENVIRONMENT_IDS.staging], SA, ENV_OP));
      assert.equal(lines, expected.map(({ name, value }) => `${name}=${value}\n`).join(''));
      assert.equal(ok(await read(ENVIRONMENT_IDS.empty)), '[]\n');
    });

    it('serves FAKE_OP_ENVIRONMENT_DATA instead of the fixtures, byte for byte', async () => {
      const data = tempFile('environments.json');
      const variables = [
        { name: 'PEM', value: '-----BEGIN X-----\r\nline\n-----END X-----\n', masked: true },
        { name: 'QUOTES', value: `"a" 'b' \\" = == #c $d ${'`e`'}`, masked: false },
        { name: 'EMPTY', value: '', masked: false },
        { name: 'UNICODE', value: '  ünï ☃ 🔑  ', masked: true },
      ];
      writeOpEnvironments(data, [{ id: 'customenv0000000000000000e', name: 'custom', variables }]);
      const options = { ...ENV_OP, environmentDataFile: data };
      assert.deepEqual(
        json(await read('customenv0000000000000000e', SA, options)),
        variables.map(({ name, value }) => ({ name, value })),
      );
      assert.match(
        failure(await read(ENVIRONMENT_IDS.staging, SA, options)),
        /isn't an environment/,
      );
    });

    it('an unknown Environment: op-style error naming the ID', async () => {
      assert.equal(
        failure(await read(ENVIRONMENT_IDS.unknown)),
        `"${ENVIRONMENT_IDS.unknown}" isn't an environment in this account. Specify the environment with its ID.`,
      );
      assert.equal(
        failure(await op(['environment', 'read'], SA, ENV_OP)),
        'accepts 1 arg(s), received 0',
      );
      assert.equal(
        failure(await op(['environment', 'frobnicate'], SA, ENV_OP)),
        'unknown command "frobnicate" for "op environment"',
      );
    });

    it('authenticates like the other commands: token, signed-in account with --account, Connect refused', async () => {
      const bad = await read(ENVIRONMENT_IDS.staging, {
        OP_SERVICE_ACCOUNT_TOKEN: 'ops_not*base64',
      });
      assert.match(failure(bad), /^error initializing client: failed to DecodeSACredentials/);
      assert.equal(failure(await read(ENVIRONMENT_IDS.staging, {})), NOT_SIGNED_IN);
      const two = { ...ENV_OP, signedIn: ['alpha', 'beta'] };
      assert.equal(failure(await read(ENVIRONMENT_IDS.staging, {}, two)), NOT_SIGNED_IN);
      const beta = await op(
        ['environment', 'read', ENVIRONMENT_IDS.empty, '--account', 'beta', '--format', 'json'],
        {},
        two,
      );
      assert.equal(ok(beta), '[]\n');
      const connect = { ...SA, OP_CONNECT_HOST: 'http://127.0.0.1:1', OP_CONNECT_TOKEN: 'x' };
      assert.match(failure(await read(ENVIRONMENT_IDS.staging, connect)), /Connect credentials/);
    });
  });

  describe('knobs', () => {
    it('sleeps FAKE_OP_DELAY_MS before anything, --version included', async () => {
      const log = tempFile('delay.log');
      const run = await op(['--version'], {}, { delayMs: 700, logFile: log });
      assert.equal(ok(run), '2.30.3\n');
      assert.ok(run.elapsedMs >= 700, `took ${run.elapsedMs} ms`);
      const [entry] = readOpLog(log);
      assert.ok(
        entry !== undefined && entry.endedAt !== null && entry.endedAt - entry.startedAt >= 700,
      );
    });

    it('logs one line per invocation with OP_* names but never their values', async () => {
      const log = tempFile('op.log');
      await op(['--version'], SA, { logFile: log });
      await op(
        ['read', 'op://Engineering/nope/token'],
        { ...SA, OP_ACCOUNT: 'x' },
        { logFile: log },
      );
      const entries = readOpLog(log);
      assert.equal(entries.length, 2);
      assert.deepEqual(entries[0]?.argv, ['--version']);
      assert.deepEqual(entries[1]?.argv, ['read', 'op://Engineering/nope/token']);
      assert.deepEqual(entries[1]?.opEnv, ['OP_ACCOUNT', 'OP_SERVICE_ACCOUNT_TOKEN']);
      assert.equal(entries[1]?.exitCode, 1);
      assert.equal(entries[1]?.stdinBytes, 0);
      for (const entry of entries) {
        assert.equal(typeof entry.pid, 'number');
        assert.ok(entry.endedAt !== null && entry.endedAt >= entry.startedAt);
      }
      assert.ok(!readFileSync(log, 'utf8').includes(SERVICE_ACCOUNT_TOKEN.slice(4, 40)));
    });

    it('serves FAKE_OP_DATA instead of the fixtures', async () => {
      const data = tempFile('vaults.json');
      writeOpData(data, [
        {
          id: 'customvault00000000000000v',
          name: 'Custom',
          items: [
            {
              id: 'customitem000000000000000i',
              title: 'thing',
              fields: [{ id: 'secret', type: 'CONCEALED', label: 'secret', value: 'custom-7c1e' }],
              files: [
                {
                  id: 'customfile000000000000000f',
                  name: 'blob',
                  content: Uint8Array.from([0, 255, 10]),
                },
              ],
            },
          ],
        },
      ]);
      const [field, file] = await Promise.all([
        op(['read', 'op://Custom/thing/secret'], SA, { dataFile: data }),
        op(['read', 'op://Custom/thing/blob'], SA, { dataFile: data }),
      ]);
      assert.equal(ok(field), 'custom-7c1e\n');
      assert.deepEqual([...file.stdout], [0, 255, 10]);
    });
  });

  describe('faults', () => {
    it('crash: a Go panic and exit code 2', async () => {
      const run = await op(['vault', 'list', '--format', 'json'], SA, { fault: 'crash' });
      assert.equal(run.code, 2);
      assert.equal(run.stdout.length, 0);
      assert.match(run.stderr, /^panic: runtime error: [^\n]+\n[\s\S]*goroutine 1 \[running\]:/);
    });

    it('hang: never exits until killed; --version is spared unless scoped', async () => {
      const log = tempFile('hang.log');
      // Killed a second after it has logged its start (however long starting takes on a busy
      // machine), not after a fixed time; an op that exits instead is not killed: a failure.
      let settled = false;
      const logged = (async () => {
        while (!settled && !loggedAny(log)) await sleep(20);
        // Then given time to end, which a hung op does not use.
        if (!settled) await sleep(1_000);
      })();
      const [hung, version] = await Promise.all([
        op(
          ['vault', 'list', '--format', 'json'],
          SA,
          { fault: 'hang', logFile: log },
          { killWhen: logged },
        ),
        op(['--version'], SA, { fault: 'hang' }),
      ]);
      settled = true;
      await logged;
      // Neither exited nor closed its output until killed.
      assert.equal(hung.timedOut, true);
      assert.equal(hung.code, null);
      assert.equal(hung.signal, 'SIGKILL');
      assert.equal(readOpLog(log)[0]?.endedAt, null);
      assert.equal(ok(version), '2.30.3\n');
    });

    it('orphan: answers and exits at once, but leaves a process holding its stdout and stderr (logged)', async () => {
      const log = tempFile('orphan.log');
      const child = spawn('op', ['read', 'op://Engineering/deploy/token'], {
        env: opEnv({ fault: 'orphan', logFile: log }, SA),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      let closed = false;
      const close = once(child, 'close').then(() => (closed = true));
      try {
        const [code] = (await once(child, 'exit')) as [number | null];
        assert.equal(code, 0);
        await sleep(1_000);
        assert.equal(closed, false, "op's output closed: nothing held it");
        assert.equal(Buffer.concat(stdout).toString('utf8'), `${VALUES.deployToken}\n`);
        const [invocation] = readOpLog(log);
        assert.equal(invocation?.exitCode, 0);
        assert.ok(invocation.orphanPid !== undefined, 'no orphan logged');
      } finally {
        endLeftRunning(log);
      }
      await close; // ended with the orphan
      const version = await op(['--version'], SA, { fault: 'orphan', logFile: tempFile('v.log') });
      assert.equal(ok(version), '2.30.3\n', '--version is spared unless scoped');
    });

    it('garbage: something other than JSON, exit 0', async () => {
      const [list, version] = await Promise.all([
        op(['vault', 'list', '--format', 'json'], SA, { fault: 'garbage' }),
        op(['--version'], SA, { fault: 'garbage@version' }),
      ]);
      assert.throws(() => JSON.parse(ok(list)) as unknown, SyntaxError);
      assert.doesNotMatch(ok(version), /^2\./);
    });

    it('slow-stdout: the same output, trickled', async () => {
      const run = await op(
        ['item', 'get', 'deploy', '--vault', 'Engineering', '--format', 'json'],
        SA,
        {
          fault: 'slow-stdout',
        },
      );
      assert.equal((json(run) as Json)['id'], IDS.items.deploy);
      assert.ok(run.elapsedMs >= 500, `took ${run.elapsedMs} ms`);
    });

    it('echo-token prints the token on stderr on purpose; rate-limit can be limited to N runs', async () => {
      const echoed = await op(['read', 'op://Engineering/deploy/token'], SA, {
        fault: 'echo-token',
      });
      assert.equal(echoed.code, 1);
      assert.ok(echoed.stderr.includes(SERVICE_ACCOUNT_TOKEN));

      const limited = {
        fault: 'rate-limit@read',
        faultTimes: 1,
        faultCounterFile: tempFile('count'),
      };
      const first = await op(['read', 'op://Engineering/deploy/token'], SA, limited);
      assert.match(failure(first), /^\(429\) Too Many Requests/);
      const second = await op(['read', 'op://Engineering/deploy/token'], SA, limited);
      assert.equal(ok(second), `${VALUES.deployToken}\n`);
    });
  });
});
