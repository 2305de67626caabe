/**
 * The fake 1Password CLI (test/fakes/op), run through its POSIX launcher, held against what is
 * recorded of the real `op` 2.x:
 * - 1Password/op-js: src/index.ts (its types for op's JSON: `Vault`, `AbbreviatedVault`, `Item`,
 *   `OtpField`, `File`, `ListAccount`, `ResponseFieldType`), tests/item.test.ts and
 *   tests/whoami.test.ts (schemas its integration tests check real op output against),
 *   src/cli.ts and src/cli.test.ts (the `[ERROR] <date> <time> <message>` line, exit status 1).
 * - 1Password/terraform-provider-onepassword: internal/onepassword/cli/utils.go (the same error
 *   line, read per line of stderr).
 * - 1Password/load-secrets-action: .github/workflows/e2e-tests.yml and tests/assert-*.sh (the
 *   reference forms it reads from a real op, and what they give).
 * What the backend makes of these answers (and the FAKE_OP_* knobs and faults) is
 * test/integration/op-cli.test.ts, conformance.test.ts and the e2e tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sshpk from 'sshpk';
import {
  FAKE_OP_ENVIRONMENT_READ_VERSION,
  type FakeOpOptions,
  type FakeOpRun,
  fakeOpEnv,
  fakeOpPath,
  runFakeOp,
} from '../fakes/op/index.ts';
import { totp } from '../fakes/totp.ts';
import {
  BINARY_FILE_BYTES,
  ENVIRONMENT_IDS,
  ENVIRONMENTS,
  IDS,
  MFA_OTP_URI,
  SERVICE_ACCOUNT_TOKEN,
  SSH_FINGERPRINT,
  VALUES,
} from '../fixtures/vault-data.ts';

const posix = process.platform !== 'win32';
const SA = { OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN };
/** An instant for FAKE_OP_NOW: its OTP code is known whenever the test runs. */
const OTP_AT = Date.UTC(2030, 0, 1, 12, 0, 10);

function op(
  args: string[],
  extra: Record<string, string> = SA,
  options: FakeOpOptions = {},
): Promise<FakeOpRun> {
  return runFakeOp(args, { env: { PATH: fakeOpPath(), ...fakeOpEnv(options), ...extra } });
}

// op-js src/cli.ts (CLIError) and terraform-provider-onepassword internal/onepassword/cli/utils.go
// (cliErrorRegex) read op's failure as this line; op-js src/cli.test.ts records one with status 1.
const ERROR_LINE = /^\[ERROR\] (\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) (.+)$/m;

/** op's message from a failed run: exit 1, nothing on stdout, stderr the `[ERROR]` line. */
function failure(run: FakeOpRun): string {
  assert.equal(run.code, 1, `expected exit 1, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stdout.length, 0, 'a failing op prints nothing on stdout');
  const match = ERROR_LINE.exec(run.stderr);
  assert.ok(match !== null && match.index === 0, run.stderr);
  assert.ok(!Number.isNaN(new Date(match[1] ?? '').getTime()), match[1]);
  assert.ok(run.stderr.endsWith('\n'));
  return run.stderr.slice(match[0].length - (match[2] ?? '').length, -1);
}

function ok(run: FakeOpRun): string {
  assert.equal(run.code, 0, `expected exit 0, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stderr, '');
  return run.stdout.toString('utf8');
}

type Json = Record<string, unknown>;
const json = async (args: string[], options: FakeOpOptions = {}): Promise<unknown> =>
  JSON.parse(ok(await op([...args, '--format', 'json'], SA, options))) as unknown;

/** Asserts that `record`'s keys are among `allowed`, naming the first that is not. */
function keysWithin(record: Json, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(record)) assert.ok(allowed.includes(key), `${what}: ${key}`);
}

// op-js src/index.ts `Vault`.
const VAULT_KEYS = [
  ...['id', 'name', 'attribute_version', 'content_version', 'type', 'created_at'],
  ...['updated_at', 'items'],
];
// op-js tests/item.test.ts `itemSchema` (real op output is checked against it) and `Item`.
const ITEM_KEYS = [
  ...['id', 'title', 'version', 'vault', 'category', 'last_edited_by', 'created_at'],
  ...['updated_at', 'additional_information', 'sections', 'tags', 'fields', 'files', 'urls'],
];
// The same schema's fields, plus `totp` (op-js src/index.ts `OtpField`).
const FIELD_KEYS = [
  ...['id', 'type', 'label', 'purpose', 'value', 'reference', 'section', 'tags', 'entropy'],
  ...['password_details', 'totp'],
];
// op-js src/index.ts `ResponseFieldType`; the purposes of tests/item.test.ts.
const FIELD_TYPES = [
  ...['UNKNOWN', 'ADDRESS', 'CONCEALED', 'CREDIT_CARD_NUMBER', 'CREDIT_CARD_TYPE', 'DATE'],
  ...['EMAIL', 'GENDER', 'MENU', 'MONTH_YEAR', 'OTP', 'PHONE', 'REFERENCE', 'STRING', 'URL'],
  ...['FILE', 'SSHKEY'],
];
const PURPOSES = ['USERNAME', 'PASSWORD', 'NOTES'];
const FILE_KEYS = ['id', 'name', 'size', 'content_path', 'section'];

describe('fake op, against recorded op output', { skip: !posix && 'POSIX launcher' }, () => {
  it('fails as op does: one `[ERROR] YYYY/MM/DD HH:MM:SS <message>` line, exit 1, nothing on stdout', async () => {
    const runs = await Promise.all([
      op(['vault', 'get', 'Nope', '--format', 'json']),
      op(['item', 'get', 'nope', '--vault', 'Engineering', '--format', 'json']),
      op(['read', 'op://Engineering/deploy/nope']),
      op(['read', 'op://Engineering/deploy/token'], {}),
    ]);
    // Their words are the fake's: op-cli.test.ts holds how the backend sorts them.
    for (const run of runs) assert.notEqual(failure(run).trim(), '');
  });

  it('vault list: an id and a name per vault (op-js `AbbreviatedVault`); vault get: the keys of op-js `Vault`', async () => {
    const vaults = (await json(['vault', 'list'])) as Json[];
    assert.ok(vaults.length > 0);
    for (const vault of vaults) {
      assert.equal(typeof vault['id'], 'string');
      assert.equal(typeof vault['name'], 'string');
      keysWithin(vault, VAULT_KEYS, 'vault list');
    }
    const platform = (await json(['vault', 'get', 'Platform'])) as Json;
    assert.deepEqual(Object.keys(platform).sort(), [...VAULT_KEYS].sort());
    assert.equal(platform['id'], IDS.vaults.platform);
    for (const key of ['attribute_version', 'content_version', 'items']) {
      assert.equal(typeof platform[key], 'number', key);
    }
    // op-js `VaultType`.
    assert.ok(
      ['PERSONAL', 'EVERYONE', 'TRANSFER', 'USER_CREATED', 'UNKNOWN'].includes(
        String(platform['type']),
      ),
    );
  });

  it('item list and item get: the keys op-js checks real output against; values, references, OTP codes, files', async () => {
    const [overviews, deploy, mfa, api, certs, ssh] = (await Promise.all([
      json(['item', 'list', '--vault', 'Engineering']),
      json(['item', 'get', 'deploy', '--vault', 'Engineering']),
      json(['item', 'get', IDS.items.mfa, '--vault', IDS.vaults.engineering], { now: OTP_AT }),
      json(['item', 'get', 'api', '--vault', 'Platform']),
      json(['item', 'get', 'certs', '--vault', 'Engineering']),
      json(['item', 'get', 'ssh', '--vault', 'Engineering']),
    ])) as [Json[], Json, Json, Json, Json, Json];

    for (const overview of overviews) {
      keysWithin(overview, ITEM_KEYS, 'item list');
      assert.ok(!('fields' in overview), 'item list has no fields');
    }
    for (const item of [deploy, mfa, api, certs, ssh]) {
      keysWithin(item, ITEM_KEYS, 'item get');
      for (const key of ['id', 'title', 'category', 'created_at', 'updated_at']) {
        assert.equal(typeof item[key], 'string', key);
      }
      assert.deepEqual(Object.keys(item['vault'] as Json).sort(), ['id', 'name']);
      for (const field of item['fields'] as Json[]) {
        keysWithin(field, FIELD_KEYS, 'field');
        assert.ok(FIELD_TYPES.includes(String(field['type'])), String(field['type']));
        if ('purpose' in field) assert.ok(PURPOSES.includes(String(field['purpose'])));
        if ('section' in field) assert.equal(typeof (field['section'] as Json)['id'], 'string');
        assert.equal('totp' in field, field['type'] === 'OTP');
      }
      for (const file of (item['files'] as Json[] | undefined) ?? []) {
        keysWithin(file, FILE_KEYS, 'file');
        assert.equal(typeof file['size'], 'number');
      }
    }

    assert.deepEqual((deploy['fields'] as Json[])[1], {
      id: 'password',
      type: 'CONCEALED',
      purpose: 'PASSWORD',
      label: 'password',
      value: VALUES.deployPassword,
      reference: 'op://Engineering/deploy/password',
    });
    const otp = (mfa['fields'] as Json[]).find((f) => f['type'] === 'OTP');
    assert.equal(otp?.['value'], MFA_OTP_URI);
    assert.equal(otp?.['totp'], totp(MFA_OTP_URI, OTP_AT));
    const primary = (api['fields'] as Json[])[0];
    assert.equal((primary?.['section'] as Json)['id'], (api['sections'] as Json[])[0]?.['id']);
    assert.equal(primary?.['reference'], 'op://Platform/api/primary/key');
    const binary = (certs['files'] as Json[]).find((f) => f['name'] === 'binary.bin');
    assert.equal(binary?.['size'], BINARY_FILE_BYTES.length);
  });

  it('whoami: url, email, user_uuid and account_uuid for a signed-in account (op-js `ListAccount`); never the token', async () => {
    const human = await op(['whoami', '--format', 'json'], {}, { signedIn: ['my-team'] });
    const me = JSON.parse(ok(human)) as Json;
    for (const key of ['url', 'email', 'user_uuid', 'account_uuid']) {
      assert.equal(typeof me[key], 'string', key);
    }
    // A service account has no email: the fake leaves it out (op-js's schema is a person's).
    const run = await op(['whoami', '--format', 'json']);
    assert.equal(typeof (JSON.parse(ok(run)) as Json)['url'], 'string');
    assert.ok(!run.stdout.toString().includes(SERVICE_ACCOUNT_TOKEN.slice(4, 40)));
  });

  it('op read: the forms load-secrets-action reads from a real op (section, notesPlain, ?ssh-format=openssh)', async () => {
    const [sectioned, notes, notesNoNewline, key] = await Promise.all([
      op(['read', 'op://Platform/queue/eu/password']),
      op(['read', 'op://Engineering/deploy/notesPlain']),
      op(['read', '--no-newline', 'op://Engineering/deploy/notesPlain']),
      op(['read', '-n', 'op://Engineering/ssh/private key?ssh-format=openssh']),
    ]);
    assert.equal(ok(sectioned), `${VALUES.queueEuPassword}\n`);
    // A multi-line value arrives whole; the newline op adds is what `--no-newline` (op-js
    // `read.parse`'s `noNewline`) leaves off.
    assert.equal(ok(notes), `${VALUES.deployNotes}\n`);
    assert.equal(ok(notesNoNewline), VALUES.deployNotes);
    const text = ok(key);
    assert.match(text, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.equal(
      sshpk.parsePrivateKey(text, 'ssh').fingerprint('sha256').toString(),
      SSH_FINGERPRINT,
    );
  });

  it('op environment read (from 2.33.0-beta.02): `[{name, value}]` in order; an older op says unknown command', async () => {
    // 1Password's CLI reference, as CONTRIBUTING.md records it: not checked against a real op.
    const staging = ENVIRONMENTS.find((environment) => environment.id === ENVIRONMENT_IDS.staging);
    assert.ok(staging !== undefined);
    const args = ['environment', 'read', ENVIRONMENT_IDS.staging];
    assert.deepEqual(
      await json(args, { version: FAKE_OP_ENVIRONMENT_READ_VERSION }),
      staging.variables.map(({ name, value }) => ({ name, value })),
    );
    assert.equal(
      failure(await op([...args, '--format', 'json'], SA, { version: '2.32.0' })),
      `unknown command "environment" for "op"\nRun 'op --help' for usage.`,
    );
  });
});
