/**
 * Self-tests of the SDK test doubles: the fake `@1password/sdk` client
 * (test/fakes/sdk/fake-client.ts), the service-account token builder and the loopback
 * sign-in server (test/fakes/sdk/signin-server.ts). If these are wrong, every test of the
 * SDK backend built on them proves nothing.
 *
 * The last group drives the REAL SDK against the sign-in server. It runs when
 * `@1password/sdk` resolves from this file (normally `node_modules`), or from the package
 * directory named by `OP_SDK_MODULE_DIR` (a copy kept outside the project); otherwise it
 * is skipped with 'sdk not installed'.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import sshpk from 'sshpk';
import type { SdkClient, SdkConnector } from '../../src/backends/sdk-client.ts';
import {
  createFakeSdkClient,
  DEFAULT_AUDIENCE,
  type FakeSdkItem,
  type FakeSdkItemField,
  type FakeSdkOptions,
  type FakeSdkResolveAllResponse,
  SDK_ERRORS,
  SDK_PARSE_PREFIX,
  SDK_REFERENCE_ERRORS,
  sshKeyAttributes,
} from '../fakes/sdk/fake-client.ts';
import type { SdkAuth } from '../../src/backends/sdk-client.ts';
import {
  decodeServiceAccountToken,
  makeServiceAccountCredentials,
  makeServiceAccountToken,
  NETWORK_ERROR_TEXT,
  OBSERVED_SIGN_IN_ERRORS,
  type SignInServer,
  startSignInServer,
} from '../fakes/sdk/signin-server.ts';
import { totp, totpsBetween } from '../fakes/totp.ts';
import {
  BINARY_FILE_BYTES,
  ENVIRONMENT_IDS,
  ENVIRONMENTS,
  IDS,
  INTEGRATION_KEY,
  INTEGRATION_KEY_PADDED,
  INTEGRATION_KEY_PAYLOAD,
  OIDC_TOKEN,
  MFA_OTP_URI,
  SECTION_IDS,
  SERVICE_ACCOUNT_TOKEN,
  SSH_FINGERPRINT,
  SSH_PUBLIC_KEY,
  VALUES,
  VAULTS,
  WORKLOAD_ID,
} from '../fixtures/vault-data.ts';

const V = IDS.vaults;
const I = IDS.items;
const F = IDS.files;
const UNKNOWN_ID = 'unknown000000000000000000x';

/** Settles `promise` or reports 'pending' after `ms`. */
async function state<T>(
  promise: Promise<T>,
  ms = 50,
): Promise<'pending' | 'fulfilled' | 'rejected'> {
  const marker = Symbol('pending');
  const timer = new AbortController();
  try {
    const result = await Promise.race([
      promise,
      sleep(ms, marker, { signal: timer.signal }).catch(() => marker),
    ]);
    return result === marker ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  } finally {
    timer.abort();
  }
}

/** Waits until `condition` holds, for up to 10 s: long enough for a busy machine. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    assert.ok(performance.now() < deadline, `${what}: not within 10 s`);
    await sleep(10);
  }
}

async function getItem(vaultId: string, itemId: string, now?: number): Promise<FakeSdkItem> {
  const { client } = createFakeSdkClient(
    now === undefined ? { vaults: VAULTS } : { vaults: VAULTS, now: () => now },
  );
  const response = await client.items.getAll(vaultId, [itemId]);
  const content = response.individualResponses[0]?.content;
  assert.ok(content, `item ${itemId} not returned`);
  return content;
}

async function resolveAll(
  refs: string[],
  options: FakeSdkOptions = {},
): Promise<FakeSdkResolveAllResponse['individualResponses']> {
  const { client } = createFakeSdkClient({ vaults: VAULTS, ...options });
  return (await client.secrets.resolveAll(refs)).individualResponses;
}

function fieldNamed(item: FakeSdkItem, title: string): FakeSdkItemField {
  const field = item.fields.find((candidate) => candidate.title === title);
  assert.ok(field, `field ${title} missing`);
  return field;
}

// ---------------------------------------------------------------------------------------

describe('fake SDK client: vaults', () => {
  it('lists only the vaults the service account can see, in SDK shape', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    const vaults = await client.vaults.list();
    assert.deepEqual(
      vaults.map((vault) => vault.id),
      VAULTS.filter((vault) => vault.accessible !== false).map((vault) => vault.id),
    );
    assert.ok(!vaults.some((vault) => vault.id === V.restricted));
    const engineering = vaults.find((vault) => vault.id === V.engineering);
    assert.ok(engineering);
    const itemCount = VAULTS.find((vault) => vault.id === V.engineering)?.items.length ?? -1;
    assert.deepEqual(engineering, {
      id: V.engineering,
      title: 'Engineering',
      description: '',
      vaultType: 'userCreated',
      activeItemCount: itemCount,
      contentVersion: itemCount + 1,
      attributeVersion: 1,
      createdAt: new Date('2024-03-01T09:00:00Z'),
      updatedAt: new Date('2024-06-15T14:30:00Z'),
    });
    assert.ok(engineering.createdAt instanceof Date);
    assert.equal(vaults.find((vault) => vault.id === V.equipe)?.title, 'Équipe ☃');
  });

  it('getOverview answers visible vaults, and the same plain Error for hidden or unknown ones', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    assert.equal((await client.vaults.getOverview(V.platform)).title, 'Platform');
    for (const id of [V.restricted, UNKNOWN_ID, 'Engineering']) {
      await assert.rejects(client.vaults.getOverview(id), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.constructor, Error);
        assert.equal(error.message, SDK_ERRORS.vaultNotFound);
        assert.match(error.message, /vault/);
        assert.match(error.message, /not found/);
        return true;
      });
    }
  });

  it('honours a custom visibility rule', async () => {
    const { client } = createFakeSdkClient({
      vaults: VAULTS,
      visible: (vault) => vault.id === V.platform,
    });
    assert.deepEqual(
      (await client.vaults.list()).map((vault) => vault.id),
      [V.platform],
    );
    await assert.rejects(client.vaults.getOverview(V.engineering), {
      message: SDK_ERRORS.vaultNotFound,
    });
    await assert.rejects(client.items.list(V.engineering), {
      message: SDK_ERRORS.vaultNotFoundForItems,
    });
  });
});

describe('fake SDK client: items', () => {
  it('lists item overviews with SDK categories and no fields', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    const items = await client.items.list(V.engineering);
    const engineering = VAULTS.find((vault) => vault.id === V.engineering);
    assert.deepEqual(
      items.map((item) => item.id),
      engineering?.items.map((item) => item.id),
    );
    const byId = new Map(items.map((item) => [item.id, item]));
    assert.equal(byId.get(I.deploy)?.category, 'Login');
    assert.equal(byId.get(I.loomDeploy)?.category, 'ApiCredentials');
    assert.equal(byId.get(I.ssh)?.category, 'SshKey');
    assert.equal(byId.get(I.tricky)?.category, 'SecureNote');
    assert.equal(byId.get(I.loomDeploy)?.title, 'services/loom/deploy');
    assert.deepEqual(byId.get(I.deploy), {
      id: I.deploy,
      title: 'deploy',
      category: 'Login',
      vaultId: V.engineering,
      websites: [],
      tags: [],
      createdAt: new Date('2024-03-01T09:00:00Z'),
      updatedAt: new Date('2024-06-15T14:30:00Z'),
      state: 'active',
    });
    const platform = await client.items.list(V.platform);
    assert.equal(platform.find((item) => item.id === I.dbStaging)?.category, 'Database');
    assert.equal(platform.find((item) => item.id === I.cache)?.category, 'Server');
  });

  it('rejects items.list on a hidden or unknown vault', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    for (const id of [V.restricted, UNKNOWN_ID]) {
      await assert.rejects(client.items.list(id), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, SDK_ERRORS.vaultNotFoundForItems);
        assert.match(error.message, /vault.*not found/);
        return true;
      });
    }
  });

  it('getAll answers in the order of the IDs, itemNotFound for unknown ones', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    const ids = [I.legacy, UNKNOWN_ID, I.deploy, I.tls, I.legacy];
    const { individualResponses } = await client.items.getAll(V.engineering, ids);
    assert.equal(individualResponses.length, ids.length);
    assert.equal(individualResponses[0]?.content?.id, I.legacy);
    assert.deepEqual(individualResponses[1], { error: { type: 'itemNotFound' } });
    assert.equal(individualResponses[2]?.content?.id, I.deploy);
    // An item of another vault is not found in this one.
    assert.deepEqual(individualResponses[3], { error: { type: 'itemNotFound' } });
    assert.equal(individualResponses[4]?.content?.id, I.legacy);
    assert.deepEqual((await client.items.getAll(V.engineering, [])).individualResponses, []);
    await assert.rejects(client.items.getAll(V.restricted, [I.restrictedDeploy]), {
      message: SDK_ERRORS.vaultNotFoundForItems,
    });
  });

  it('moves the notesPlain field into item.notes and out of fields', async () => {
    const deploy = await getItem(V.engineering, I.deploy);
    assert.equal(deploy.notes, VALUES.deployNotes);
    assert.ok(!deploy.fields.some((field) => field.id === 'notesPlain'));
    assert.ok(!deploy.fields.some((field) => field.value === VALUES.deployNotes));
    assert.deepEqual(
      deploy.fields.map((field) => [field.id, field.title, field.fieldType, field.value]),
      [
        ['username', 'username', 'Text', VALUES.deployUsername],
        ['password', 'password', 'Concealed', VALUES.deployPassword],
        [deploy.fields[2]?.id, 'token', 'Concealed', VALUES.deployToken],
      ],
    );
    for (const field of deploy.fields) assert.ok(!('sectionId' in field));
    assert.equal((await getItem(V.engineering, I.legacy)).notes, '');
  });

  it('has the full SDK Item shape', async () => {
    const whole = await getItem(V.engineering, I.whole);
    assert.deepEqual(Object.keys(whole).sort(), [
      'category',
      'createdAt',
      'fields',
      'files',
      'id',
      'notes',
      'sections',
      'tags',
      'title',
      'updatedAt',
      'vaultId',
      'version',
      'websites',
    ]);
    assert.equal(whole.category, 'Login');
    assert.equal(whole.vaultId, V.engineering);
    assert.equal(whole.version, 1);
    assert.ok(whole.updatedAt instanceof Date);
    assert.deepEqual(whole.sections, [
      { id: SECTION_IDS.wholeUnlabelled, title: '' },
      { id: SECTION_IDS.wholeDb, title: 'db' },
    ]);
    assert.equal(fieldNamed(whole, 'region').sectionId, SECTION_IDS.wholeUnlabelled);
    assert.equal(fieldNamed(whole, 'host').sectionId, SECTION_IDS.wholeDb);
    assert.equal(fieldNamed(whole, 'host').fieldType, 'Url');
    assert.equal(fieldNamed(whole, 'empty').value, '');
    assert.deepEqual(whole.files, []);
  });

  it('gives OTP fields type Totp, the URI as value and the current code in details', async () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const mfa = await getItem(V.engineering, I.mfa, now);
    const otp = fieldNamed(mfa, 'one-time password');
    assert.equal(otp.fieldType, 'Totp');
    assert.equal(otp.value, MFA_OTP_URI);
    assert.deepEqual(otp.details, { type: 'Otp', content: { code: totp(MFA_OTP_URI, now) } });
    assert.match(totp(MFA_OTP_URI, now), /^\d{6}$/);
    // With the real clock too: a code of some instant of the call, however long it took.
    const from = Date.now();
    const live = fieldNamed(await getItem(V.engineering, I.mfa), 'one-time password');
    const code = (live.details?.type === 'Otp' ? live.details.content.code : undefined) ?? '';
    assert.ok(totpsBetween(MFA_OTP_URI, from, Date.now()).includes(code), code);
  });

  it('gives an unparsable OTP an errorMessage instead of a code', async () => {
    const { client } = createFakeSdkClient({
      vaults: [
        {
          id: V.engineering,
          name: 'Engineering',
          items: [
            {
              id: I.mfa,
              title: 'mfa',
              fields: [{ id: 'otp', type: 'OTP', label: 'otp', value: 'not base32 !' }],
            },
          ],
        },
      ],
    });
    const { individualResponses } = await client.items.getAll(V.engineering, [I.mfa]);
    const details = individualResponses[0]?.content?.fields[0]?.details;
    assert.equal(details?.type, 'Otp');
    assert.ok(details?.content && 'errorMessage' in details.content);
    assert.equal(typeof details.content.errorMessage, 'string');
  });

  it('gives SSH keys type SshKey and the public key, fingerprint and key type in details', async () => {
    const ssh = await getItem(V.engineering, I.ssh);
    assert.equal(ssh.category, 'SshKey');
    const key = fieldNamed(ssh, 'private key');
    assert.equal(key.fieldType, 'SshKey');
    assert.equal(key.value, VALUES.sshPrivateKey);
    assert.deepEqual(key.details, {
      type: 'SshKey',
      content: { publicKey: SSH_PUBLIC_KEY, fingerprint: SSH_FINGERPRINT, keyType: 'Ed25519' },
    });
    assert.equal(fieldNamed(ssh, 'public key').fieldType, 'Text');
  });

  it('computes RSA and ECDSA SSH attributes like sshpk does', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    for (const [pem, keyType] of [
      [rsa, 'RSA, 2048-bit'],
      [ec, 'ECDSA, nistp256'],
    ] as const) {
      const expected = sshpk.parsePrivateKey(pem, 'pem');
      const attributes = sshKeyAttributes(pem);
      assert.ok(attributes);
      assert.equal(
        attributes.publicKey,
        expected.toPublic().toString('ssh').split(' ').slice(0, 2).join(' '),
      );
      assert.equal(attributes.fingerprint, expected.fingerprint('sha256').toString());
      assert.equal(attributes.keyType, keyType);
    }
    assert.equal(sshKeyAttributes('not a key'), undefined);
  });

  it('maps attached files to the SDK file shape', async () => {
    const certs = await getItem(V.engineering, I.certs);
    assert.deepEqual(certs.files, [
      {
        attributes: {
          name: 'bundle.pem',
          id: F.bundlePem,
          size: Buffer.byteLength(VALUES.bundlePem),
        },
        sectionId: '',
        fieldId: '',
      },
      {
        attributes: { name: 'binary.bin', id: F.binaryBin, size: BINARY_FILE_BYTES.length },
        sectionId: '',
        fieldId: '',
      },
      {
        attributes: { name: 'bom.txt', id: F.bomTxt, size: Buffer.byteLength(VALUES.bomFile) },
        sectionId: '',
        fieldId: '',
      },
      {
        attributes: {
          name: 'config.json',
          id: F.configJson,
          size: Buffer.byteLength(VALUES.certsConfigFile),
        },
        sectionId: '',
        fieldId: '',
      },
    ]);
    // The field of the same name is still a field.
    assert.equal(fieldNamed(certs, 'config.json').value, VALUES.certsConfigField);
  });

  it('reads files byte for byte, and rejects unknown files, items and vaults', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    const certs = (await client.items.getAll(V.engineering, [I.certs])).individualResponses[0]
      ?.content;
    assert.ok(certs);
    const expected = new Map<string, Uint8Array>([
      [F.bundlePem, new TextEncoder().encode(VALUES.bundlePem)],
      [F.binaryBin, BINARY_FILE_BYTES],
      [F.bomTxt, new TextEncoder().encode(VALUES.bomFile)],
      [F.configJson, new TextEncoder().encode(VALUES.certsConfigFile)],
    ]);
    for (const file of certs.files) {
      const bytes = await client.items.files.read(V.engineering, I.certs, file.attributes);
      assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
      assert.deepEqual(bytes, expected.get(file.attributes.id));
    }
    const bom = await client.items.files.read(V.engineering, I.certs, {
      name: 'bom.txt',
      id: F.bomTxt,
      size: 0,
    });
    assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const missing = { name: 'nope.txt', id: UNKNOWN_ID, size: 1 };
    await assert.rejects(client.items.files.read(V.engineering, I.certs, missing), {
      message: SDK_ERRORS.fileNotFound,
    });
    await assert.rejects(
      client.items.files.read(V.engineering, UNKNOWN_ID, { name: 'x', id: F.bomTxt, size: 1 }),
      { message: SDK_ERRORS.itemNotFound },
    );
    await assert.rejects(
      client.items.files.read(V.restricted, I.certs, { name: 'x', id: F.bomTxt, size: 1 }),
      { message: SDK_ERRORS.vaultNotFoundForItems },
    );
  });

  it('hands out fresh objects: mutating an answer changes nothing', async () => {
    const { client } = createFakeSdkClient({ vaults: VAULTS });
    const first = (await client.items.getAll(V.engineering, [I.deploy])).individualResponses[0]
      ?.content;
    assert.ok(first);
    first.fields.length = 0;
    first.notes = 'changed';
    const second = (await client.items.getAll(V.engineering, [I.deploy])).individualResponses[0]
      ?.content;
    assert.equal(second?.notes, VALUES.deployNotes);
    assert.equal(second?.fields.length, 3);
    const bytes = await client.items.files.read(V.engineering, I.certs, {
      name: 'binary.bin',
      id: F.binaryBin,
      size: BINARY_FILE_BYTES.length,
    });
    bytes.fill(0);
    assert.notEqual(BINARY_FILE_BYTES[1], 0);
  });

  it('is an SdkClient (type-level and at run time)', async () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    const seam: SdkClient = fake.client;
    const connector: SdkConnector = fake.connector;
    assert.equal(await connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN }), seam);
  });
});

describe('fake SDK client: secrets.resolveAll', () => {
  const ok = (secret: string, itemId: string, vaultId: string) => ({
    content: { secret, itemId, vaultId },
  });

  it('answers each reference under its own text with secret, itemId and vaultId', async () => {
    const refs = [
      'op://Engineering/deploy/password',
      `op://${V.engineering}/${I.deploy}/token`,
      'op://engineering/DEPLOY/Token',
      'op://Engineering/deploy/notesPlain',
      `op://Engineering/${I.idTarget}/token`,
      'op://Engineering/notanid00000000000000title/token',
      `op://Engineering/${I.loomDeploy}/token`,
      'op://Platform/api/key',
      'op://Platform/api/secondary/key',
      'op://Engineering/mfa/one-time password',
    ];
    const answers = await resolveAll(refs);
    assert.deepEqual(Object.keys(answers).sort(), [...refs].sort());
    assert.deepEqual(answers[refs[0] ?? ''], ok(VALUES.deployPassword, I.deploy, V.engineering));
    assert.deepEqual(answers[refs[1] ?? ''], ok(VALUES.deployToken, I.deploy, V.engineering));
    assert.deepEqual(answers[refs[2] ?? ''], ok(VALUES.deployToken, I.deploy, V.engineering));
    assert.deepEqual(answers[refs[3] ?? ''], ok(VALUES.deployNotes, I.deploy, V.engineering));
    // An ID beats a title equal to it; an ID-shaped title that is no ID is a title.
    assert.deepEqual(answers[refs[4] ?? ''], ok(VALUES.idTargetToken, I.idTarget, V.engineering));
    assert.deepEqual(
      answers[refs[5] ?? ''],
      ok(VALUES.idShapedTitleToken, I.idShapedTitle, V.engineering),
    );
    assert.deepEqual(
      answers[refs[6] ?? ''],
      ok(VALUES.loomDeployToken, I.loomDeploy, V.engineering),
    );
    // The field outside any section wins over those of the same name in sections.
    assert.deepEqual(answers[refs[7] ?? ''], ok(VALUES.apiKeyUnsectioned, I.api, V.platform));
    assert.deepEqual(answers[refs[8] ?? ''], ok(VALUES.apiKeySecondary, I.api, V.platform));
    // Without ?attribute=otp an OTP field gives its value, the otpauth:// URI.
    assert.deepEqual(answers[refs[9] ?? ''], ok(MFA_OTP_URI, I.mfa, V.engineering));
  });

  it('reads 4 segments as item + section + field, the section by label or ID', async () => {
    const answers = await resolveAll([
      'op://Platform/queue/eu/password',
      'op://Platform/queue/EU/password',
      'op://Platform/cache/prod/url',
      `op://Engineering/whole/${SECTION_IDS.wholeDb}/host`,
      'op://Platform/db/staging/password',
      'op://Platform/queue/nope/password',
      'op://Platform/queue/eu/nothing',
      'op://Platform/dup-field/one/secret',
    ]);
    assert.deepEqual(answers, {
      'op://Platform/queue/eu/password': ok(VALUES.queueEuPassword, I.queue, V.platform),
      'op://Platform/queue/EU/password': ok(VALUES.queueEuPassword, I.queue, V.platform),
      'op://Platform/cache/prod/url': ok(VALUES.cacheSectionProdUrl, I.cache, V.platform),
      [`op://Engineering/whole/${SECTION_IDS.wholeDb}/host`]: ok(
        VALUES.wholeDbHost,
        I.whole,
        V.engineering,
      ),
      // No item path reading: `db/staging` is item `db`, section `staging`.
      'op://Platform/db/staging/password': { error: { type: 'itemNotFound' } },
      'op://Platform/queue/nope/password': { error: { type: 'noMatchingSections' } },
      'op://Platform/queue/eu/nothing': { error: { type: 'fieldNotFound' } },
      'op://Platform/dup-field/one/secret': ok(VALUES.dupFieldSecretAlpha, I.dupField, V.platform),
    });
  });

  it('gives the SDK error types, without a message, for what matches nothing or too much', async () => {
    const cases: Record<string, string> = {
      'op://Nowhere/deploy/password': 'vaultNotFound',
      'op://Restricted/deploy/token': 'vaultNotFound',
      [`op://${V.restricted}/${I.restrictedDeploy}/token`]: 'vaultNotFound',
      'op://Shared/shared-item/token': 'tooManyVaults',
      'op://Engineering/nothing/password': 'itemNotFound',
      // An item of another vault is not found in this one.
      [`op://Engineering/${I.dbStaging}/password`]: 'itemNotFound',
      'op://Engineering/twin/token': 'tooManyItems',
      'op://Engineering/deploy/nothing': 'fieldNotFound',
      'op://Platform/dup-field/secret': 'tooManyMatchingFields',
      'op://Engineering/twinfiles/dup.txt': 'tooManyMatchingFields',
    };
    const answers = await resolveAll(Object.keys(cases));
    for (const [ref, type] of Object.entries(cases)) {
      assert.deepEqual(answers[ref], { error: { type } }, ref);
    }
    // A custom visibility rule applies too.
    const hidden = await resolveAll(['op://Platform/api/key'], {
      visible: (vault) => vault.id === V.engineering,
    });
    assert.deepEqual(hidden['op://Platform/api/key'], { error: { type: 'vaultNotFound' } });
  });

  it('refuses what the SDK cannot parse with type parsing and its verbatim reason', async () => {
    const E = SDK_REFERENCE_ERRORS;
    const cases: Record<string, string> = {
      'Engineering/deploy/password': E.noScheme,
      'OP://Engineering/deploy/password': E.noScheme,
      ' op://Engineering/deploy/password': E.noScheme,
      'op://Engineering/deploy': E.badFormat,
      'op://Engineering/services/loom/deploy/token': E.badFormat,
      'op://Équipe ☃/team-config/token': E.badCharacter,
      "op://Engineering/Clé d'accès (prod)/token": E.badCharacter,
      'op://Engineering/deploy/"password"': E.badCharacter,
      'op://Engineering/deploy/pass%77ord': E.badCharacter,
      'op://Engineering/deploy/password#frag': E.badCharacter,
      'op://Engineering/deploy/pass,word': E.badCharacter,
      'op://Engineering/whole/*': E.badCharacter,
      'op://Engineering/deploy/password?attribute=type': E.badQueryValue,
      'op://Engineering/mfa/one-time password?attribute=OTP': E.badQueryValue,
      'op://Engineering/ssh/private key?ssh-format=pem': E.badQueryValue,
      'op://Engineering/deploy/password?foo=bar': E.badQueryKey,
      'op://Engineering/deploy/password?Attribute=otp': E.badQueryKey,
      'op://Engineering/mfa/one-time password?attribute=otp&ssh-format=openssh': E.badFormat,
      'op://Engineering/deploy/password?': E.badFormat,
      'op://Engineering/deploy/password?attribute=otp?': E.badCharacter,
    };
    const answers = await resolveAll(Object.keys(cases));
    for (const [ref, message] of Object.entries(cases)) {
      assert.deepEqual(answers[ref], { error: { type: 'parsing', message } }, ref);
    }
    assert.equal(
      E.badFormat,
      'secret reference has invalid format - must be "op://<vault>/<item>/[section/]field[?attribute=<attribute-value>]"',
    );
  });

  it('accepts empty segments and surrounding spaces, which then match nothing', async () => {
    const answers = await resolveAll([
      'op:///deploy/password',
      'op://Engineering//password',
      'op://Engineering/deploy/',
      'op://Engineering/whole//region',
      'op://Engineering/ deploy/password',
      'op://Engineering/deploy/password ',
      'op:////',
    ]);
    assert.deepEqual(answers, {
      'op:///deploy/password': { error: { type: 'vaultNotFound' } },
      'op://Engineering//password': { error: { type: 'itemNotFound' } },
      'op://Engineering/deploy/': { error: { type: 'fieldNotFound' } },
      // Not even the item's unlabelled section.
      'op://Engineering/whole//region': { error: { type: 'noMatchingSections' } },
      'op://Engineering/ deploy/password': { error: { type: 'itemNotFound' } },
      'op://Engineering/deploy/password ': { error: { type: 'fieldNotFound' } },
      'op:////': { error: { type: 'vaultNotFound' } },
    });
  });

  it('gives the current code with ?attribute=otp or totp, only for OTP fields', async () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const answers = await resolveAll(
      [
        'op://Engineering/mfa/one-time password?attribute=otp',
        'op://Engineering/mfa/one-time password?attribute=totp',
        'op://Engineering/deploy/password?attribute=otp',
      ],
      { now: () => now },
    );
    const code = ok(totp(MFA_OTP_URI, now), I.mfa, V.engineering);
    assert.deepEqual(answers, {
      'op://Engineering/mfa/one-time password?attribute=otp': code,
      'op://Engineering/mfa/one-time password?attribute=totp': code,
      'op://Engineering/deploy/password?attribute=otp': {
        error: { type: 'incompatibleTOTPQueryParameterField' },
      },
    });
    const broken = await resolveAll(['op://Engineering/mfa/otp?attribute=otp'], {
      vaults: [
        {
          id: V.engineering,
          name: 'Engineering',
          items: [
            {
              id: I.mfa,
              title: 'mfa',
              fields: [{ id: 'otp', type: 'OTP', label: 'otp', value: 'not base32 !' }],
            },
          ],
        },
      ],
    });
    const error = broken['op://Engineering/mfa/otp?attribute=otp']?.error;
    assert.equal(error?.type, 'unableToGenerateTotpCode');
    assert.equal(typeof error.message, 'string');
    assert.ok(error.message !== '');
  });

  it('converts an SSH key with ?ssh-format=openssh, only for SSH key fields', async () => {
    const ref = 'op://Engineering/ssh/private key?ssh-format=openssh';
    const answers = await resolveAll([
      ref,
      'op://Engineering/ssh/public key?ssh-format=openssh',
      'op://Engineering/deploy/password?ssh-format=openssh',
    ]);
    const content = answers[ref]?.content;
    assert.ok(content);
    assert.deepEqual([content.itemId, content.vaultId], [I.ssh, V.engineering]);
    assert.match(
      content.secret,
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const key = sshpk.parsePrivateKey(content.secret, 'openssh');
    assert.equal(key.fingerprint('sha256').toString(), SSH_FINGERPRINT);
    for (const other of [
      'op://Engineering/ssh/public key?ssh-format=openssh',
      'op://Engineering/deploy/password?ssh-format=openssh',
    ]) {
      assert.deepEqual(answers[other], {
        error: { type: 'incompatibleSshKeyQueryParameterField' },
      });
    }
    const broken = await resolveAll(['op://V/ssh/key?ssh-format=openssh'], {
      vaults: [
        {
          id: V.engineering,
          name: 'V',
          items: [
            {
              id: I.ssh,
              title: 'ssh',
              fields: [{ id: 'key', type: 'SSHKEY', label: 'key', value: 'not a key' }],
            },
          ],
        },
      ],
    });
    assert.deepEqual(broken['op://V/ssh/key?ssh-format=openssh'], {
      error: { type: 'unableToParsePrivateKey' },
    });
  });

  it('reads attached text files by name or ID (a BOM kept); the field of the same name wins', async () => {
    const answers = await resolveAll([
      'op://Engineering/certs/bundle.pem',
      `op://Engineering/certs/${F.bomTxt}`,
      'op://Engineering/certs/config.json',
      `op://Engineering/certs/${F.configJson}`,
      'op://Engineering/certs/binary.bin',
      'op://Engineering/certs/bundle.pem?attribute=otp',
      'op://Engineering/certs/bundle.pem?ssh-format=openssh',
    ]);
    assert.deepEqual(answers, {
      'op://Engineering/certs/bundle.pem': ok(VALUES.bundlePem, I.certs, V.engineering),
      [`op://Engineering/certs/${F.bomTxt}`]: ok(VALUES.bomFile, I.certs, V.engineering),
      'op://Engineering/certs/config.json': ok(VALUES.certsConfigField, I.certs, V.engineering),
      [`op://Engineering/certs/${F.configJson}`]: ok(
        VALUES.certsConfigFile,
        I.certs,
        V.engineering,
      ),
      'op://Engineering/certs/binary.bin': { error: { type: 'unsupportedFileFormat' } },
      'op://Engineering/certs/bundle.pem?attribute=otp': {
        error: { type: 'incompatibleTOTPQueryParameterField' },
      },
      'op://Engineering/certs/bundle.pem?ssh-format=openssh': {
        error: { type: 'incompatibleSshKeyQueryParameterField' },
      },
    });
    assert.ok(VALUES.bomFile.startsWith('\uFEFF'));
    const lossy = await resolveAll(['op://Engineering/certs/binary.bin'], {
      binaryFiles: 'lossy',
    });
    const secret = lossy['op://Engineering/certs/binary.bin']?.content?.secret;
    assert.equal(secret, new TextDecoder('utf-8', { ignoreBOM: true }).decode(BINARY_FILE_BYTES));
    assert.ok(secret.includes('\uFFFD'));
    assert.ok(secret.includes('binary-fixture-7f3a'));
  });

  it('answers a repeated reference once, an empty list with nothing, any text as its own key', async () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    const ref = 'op://Engineering/deploy/password';
    const twice = await fake.client.secrets.resolveAll([ref, ref]);
    assert.deepEqual(Object.keys(twice.individualResponses), [ref]);
    assert.deepEqual((await fake.client.secrets.resolveAll([])).individualResponses, {});
    const odd = await fake.client.secrets.resolveAll(['__proto__', 'constructor']);
    assert.ok(Object.hasOwn(odd.individualResponses, '__proto__'));
    assert.equal(Object.getPrototypeOf(odd.individualResponses), Object.prototype);
    assert.deepEqual(odd.individualResponses['__proto__'], {
      error: { type: 'parsing', message: SDK_REFERENCE_ERRORS.noScheme },
    });
    assert.deepEqual(odd.individualResponses['constructor'], {
      error: { type: 'parsing', message: SDK_REFERENCE_ERRORS.noScheme },
    });
  });

  it('records the call, plays scripted faults, and answers asynchronously', async () => {
    const fake = createFakeSdkClient({
      vaults: VAULTS,
      faults: { 'secrets.resolveAll': [new Error('authentication error: rate limit exceeded')] },
    });
    const refs = ['op://Engineering/deploy/password'];
    await assert.rejects(fake.client.secrets.resolveAll(refs), {
      message: 'authentication error: rate limit exceeded',
    });
    fake.fail('secrets.resolveAll', ['hang']);
    const hung = fake.client.secrets.resolveAll(refs);
    assert.equal(await state(hung, 100), 'pending');
    const pending = fake.client.secrets.resolveAll(refs);
    refs.push('op://Engineering/deploy/token'); // the log keeps the arguments as they were
    assert.ok(pending instanceof Promise);
    assert.deepEqual((await pending).individualResponses, {
      'op://Engineering/deploy/password': ok(VALUES.deployPassword, I.deploy, V.engineering),
    });
    assert.equal(fake.count('secrets.resolveAll'), 3);
    assert.equal(fake.count('items.getAll'), 0);
    assert.deepEqual(fake.calls[2], {
      method: 'secrets.resolveAll',
      args: [['op://Engineering/deploy/password']],
    });
    fake.fail('secrets.resolveAll', [new Error('late')]);
    fake.reset();
    assert.equal(
      Object.keys((await fake.client.secrets.resolveAll(refs)).individualResponses).length,
      2,
    );
  });
});

describe('fake SDK client: calls, faults, connector', () => {
  it('records every call in order with its arguments', async () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    const ids: string[] = [I.deploy, I.legacy];
    await fake.client.vaults.list();
    await fake.client.items.list(V.engineering);
    await fake.client.items.getAll(V.engineering, ids);
    await assert.rejects(fake.client.vaults.getOverview(V.restricted));
    await fake.client.items.files.read(V.engineering, I.certs, {
      name: 'bom.txt',
      id: F.bomTxt,
      size: 1,
    });
    ids.push(I.tricky); // the log keeps the arguments as they were
    assert.deepEqual(fake.calls, [
      { method: 'vaults.list', args: [] },
      { method: 'items.list', args: [V.engineering] },
      { method: 'items.getAll', args: [V.engineering, [I.deploy, I.legacy]] },
      { method: 'vaults.getOverview', args: [V.restricted] },
      {
        method: 'items.files.read',
        args: [V.engineering, I.certs, { name: 'bom.txt', id: F.bomTxt, size: 1 }],
      },
    ]);
    assert.equal(fake.count('items.getAll'), 1);
    assert.equal(fake.count('vaults.list'), 1);
    assert.equal(fake.count('connect'), 0);
    fake.reset();
    assert.deepEqual(fake.calls, []);
  });

  it('plays scripted failures in order, then serves normally', async () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    const first = new Error('authentication error: rate limit exceeded');
    const second = new Error('request library compatibility issue: error sending request');
    fake.fail('items.getAll', [first]);
    fake.fail('items.getAll', [second]); // appended
    await assert.rejects(fake.client.items.getAll(V.engineering, [I.deploy]), (error) => {
      assert.equal(error, first);
      return true;
    });
    await assert.rejects(fake.client.items.getAll(V.engineering, [I.deploy]), (error) => {
      assert.equal(error, second);
      return true;
    });
    const ok = await fake.client.items.getAll(V.engineering, [I.deploy]);
    assert.equal(ok.individualResponses[0]?.content?.id, I.deploy);
    // Other methods were never affected.
    assert.equal((await fake.client.vaults.list()).length > 0, true);
    assert.equal(fake.count('items.getAll'), 3);
  });

  it('can hang a call forever, and faults can be scripted up front', async () => {
    const fake = createFakeSdkClient({
      vaults: VAULTS,
      faults: { 'vaults.list': ['hang'], connect: [new Error('boom')] },
    });
    const hung = fake.client.vaults.list();
    assert.equal(await state(hung, 100), 'pending');
    assert.equal(fake.count('vaults.list'), 1);
    assert.equal((await fake.client.vaults.list()).length, 5);
    await assert.rejects(
      fake.connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN }),
      { message: 'boom' },
    );
    assert.equal(
      await fake.connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN }),
      fake.client,
    );

    fake.fail('items.files.read', ['hang', new Error('late')]);
    fake.reset(); // clears scripted faults too
    assert.deepEqual(fake.calls, []);
    const bytes = await fake.client.items.files.read(V.engineering, I.certs, {
      name: 'bom.txt',
      id: F.bomTxt,
      size: 1,
    });
    assert.ok(bytes.length > 0);
  });

  it('answers asynchronously, even when failing', () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    const pending = fake.client.vaults.getOverview(UNKNOWN_ID);
    assert.ok(pending instanceof Promise);
    return assert.rejects(pending);
  });

  it('connector accepts only the service-account token, failing like createClient', async () => {
    const fake = createFakeSdkClient({ vaults: VAULTS });
    assert.equal(
      await fake.connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN }),
      fake.client,
    );
    const cases: [string, string][] = [
      ['', SDK_ERRORS.missingAuth],
      ['abc', SDK_ERRORS.tokenFormat],
      [` ${SERVICE_ACCOUNT_TOKEN}`, SDK_ERRORS.tokenFormat],
      ['ops_!!!!', SDK_ERRORS.tokenBase64],
      ['ops_', SDK_ERRORS.tokenJson],
      [`ops_${Buffer.from('{"a":1}').toString('base64url')}`, SDK_ERRORS.tokenJson],
      [`ops_${Buffer.from('[1,2]').toString('base64url')}`, SDK_ERRORS.tokenJson],
      [makeServiceAccountToken('https://fixtures.1password.com'), SDK_ERRORS.tokenRejected],
      [makeServiceAccountToken('https://x', { srpX: 'not-hex' }), SDK_ERRORS.tokenJson],
      [
        makeServiceAccountToken('https://x', {
          secretKey: 'A3-000000-000000-00000-00000-00000-00000',
        }),
        SDK_ERRORS.tokenJson,
      ],
    ];
    for (const [token, message] of cases) {
      await assert.rejects(
        fake.connector({ kind: 'service-account', token: token }),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.equal(error.constructor, Error);
          assert.equal(error.message, message, `token ${JSON.stringify(token.slice(0, 12))}`);
          assert.ok(token.length < 8 || !error.message.includes(token.slice(4)));
          return true;
        },
      );
    }
    assert.equal(fake.count('connect'), cases.length + 1);
    assert.deepEqual(fake.calls[0], { method: 'connect', args: [SERVICE_ACCOUNT_TOKEN] });

    const custom = makeServiceAccountToken('https://custom.example');
    const other = createFakeSdkClient({ vaults: VAULTS, token: custom });
    assert.equal(await other.connector({ kind: 'service-account', token: custom }), other.client);
    await assert.rejects(
      other.connector({ kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN }),
    );
  });
});

// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Workload identity and Environments

/** Workload-identity auth for the fake connector: the fixture's workload and key unless told. */
function workloadAuth(
  idToken: (audience: string) => Promise<string>,
  overrides: { workloadId?: string; integrationKey?: string } = {},
): SdkAuth {
  return {
    kind: 'workload-identity',
    workloadId: overrides.workloadId ?? WORKLOAD_ID,
    integrationKey: overrides.integrationKey ?? INTEGRATION_KEY,
    idToken,
  };
}

/** An integration key with `changes` made to the fixture's payload (std base64, unpadded). */
function keyWith(changes: Record<string, unknown>): string {
  const json = JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, ...changes });
  return `ops_${Buffer.from(json).toString('base64').replace(/=+$/, '')}`;
}

const messageOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

describe('fake SDK client: workload identity', () => {
  it('the fixture key is ops_ + standard base64 without padding of {ver, typ, key, path}', () => {
    assert.match(INTEGRATION_KEY, /^ops_[A-Za-z0-9+/]+$/);
    assert.equal(INTEGRATION_KEY_PADDED.replace(/=+$/, ''), INTEGRATION_KEY);
    assert.ok(INTEGRATION_KEY_PADDED.endsWith('='), 'the padded form differs');
    const decoded = JSON.parse(Buffer.from(INTEGRATION_KEY.slice(4), 'base64').toString('utf8'));
    assert.deepEqual(decoded, INTEGRATION_KEY_PAYLOAD);
    assert.match(INTEGRATION_KEY_PAYLOAD.path, /^\/\/[^/]+\/accounts\/[a-z0-9]+$/);
    assert.equal(Buffer.from(INTEGRATION_KEY_PAYLOAD.key, 'hex').length, 32);
  });

  it('asks the fetcher for its audience once, records the audience and the token, then answers', async () => {
    for (const audience of [undefined, 'https://audience.example']) {
      const fake = createFakeSdkClient(audience === undefined ? {} : { audience });
      const asked: string[] = [];
      const client = await fake.connector(
        workloadAuth((wanted) => {
          asked.push(wanted);
          return Promise.resolve(OIDC_TOKEN);
        }),
      );
      assert.equal(client, fake.client);
      assert.deepEqual(asked, [audience ?? DEFAULT_AUDIENCE]);
      assert.deepEqual(fake.audiences, asked);
      assert.deepEqual(fake.idTokens, [OIDC_TOKEN]);
      assert.deepEqual(fake.calls, [{ method: 'connect', args: [INTEGRATION_KEY] }]);
      fake.reset();
      assert.deepEqual([fake.audiences, fake.idTokens, fake.calls], [[], [], []]);
    }
  });

  it("asks for the host of the given key's path, like the real SDK (no scheme, port kept)", async () => {
    for (const host of ['127.0.0.1:8443', 'my.1password.com', 'localhost:1']) {
      const key = keyWith({ path: `//${host}/accounts/fixtureaccount000000000000` });
      const fake = createFakeSdkClient({ integrationKey: key });
      const asked: string[] = [];
      await fake.connector(
        workloadAuth(
          (audience) => {
            asked.push(audience);
            return Promise.resolve(OIDC_TOKEN);
          },
          { integrationKey: key },
        ),
      );
      assert.deepEqual(asked, [host]);
      assert.deepEqual(fake.audiences, [host]);
    }
    assert.equal(DEFAULT_AUDIENCE, 'fixtures.1password.com');
  });

  it("words a fetcher's rejection, throw or non-string as the SDK does (the reason dropped)", async () => {
    const fake = createFakeSdkClient();
    assert.equal(
      await messageOf(fake.connector(workloadAuth(() => Promise.reject(new Error('HTTP 403'))))),
      SDK_ERRORS.oidcRejected,
    );
    assert.equal(
      await messageOf(
        fake.connector(
          workloadAuth(() => {
            throw new Error('HTTP 403');
          }),
        ),
      ),
      SDK_ERRORS.oidcThrew,
    );
    assert.equal(
      await messageOf(fake.connector(workloadAuth(() => Promise.resolve(7 as unknown as string)))),
      `${SDK_ERRORS.oidcFailed}${SDK_ERRORS.oidcNotString}`,
    );
    assert.deepEqual(fake.idTokens, [7]);
  });

  it('checks the key before asking for a token, with the texts of the SDK', async () => {
    const fake = createFakeSdkClient();
    const cases: readonly (readonly [string, string])[] = [
      ['', SDK_ERRORS.keyEmpty],
      ['abc', SDK_ERRORS.keyPrefix],
      [` ${INTEGRATION_KEY}`, SDK_ERRORS.keyPrefix],
      ['ops_!!!', SDK_ERRORS.keyBase64],
      [INTEGRATION_KEY_PADDED, SDK_ERRORS.keyBase64],
      [
        `ops_${Buffer.from(JSON.stringify(INTEGRATION_KEY_PAYLOAD)).toString('base64url')}_-`,
        SDK_ERRORS.keyBase64,
      ],
      ['ops_', SDK_ERRORS.keyJson],
      [`ops_${Buffer.from('[1]').toString('base64')}`, SDK_ERRORS.keyJson],
      [SERVICE_ACCOUNT_TOKEN.replace(/=+$/, ''), SDK_ERRORS.keyJson],
      [keyWith({ ver: '1' }), SDK_ERRORS.keyJson],
      [keyWith({ typ: 3 }), SDK_ERRORS.keyJson],
      [keyWith({ ver: 0 }), `${SDK_ERRORS.keyVersion}0`],
      [keyWith({ typ: 'aes' }), SDK_ERRORS.keyType],
      [keyWith({ key: 'xy'.repeat(32) }), SDK_ERRORS.keyHex],
      [keyWith({ key: 'abc' }), SDK_ERRORS.keyHex],
      [keyWith({ key: 'ab'.repeat(31) }), SDK_ERRORS.keyAes],
      [
        keyWith({ path: 'fixtures.1password.com/accounts/a' }),
        `${SDK_ERRORS.keyPath}missing '//' prefix`,
      ],
      [
        keyWith({ path: '//fixtures.1password.com' }),
        `${SDK_ERRORS.keyPath}missing host separator`,
      ],
      [keyWith({ path: '//host/teams/a' }), `${SDK_ERRORS.keyPath}missing '/accounts/' segment`],
      [keyWith({ path: '//host/accounts/' }), `${SDK_ERRORS.keyPath}missing account UUID`],
    ];
    for (const [key, expected] of cases) {
      const message = await messageOf(
        fake.connector(workloadAuth(() => Promise.resolve(OIDC_TOKEN), { integrationKey: key })),
      );
      assert.equal(message, expected, `key ${JSON.stringify(key.slice(0, 40))}`);
      if (key.length > 8) assert.ok(!message.includes(key.trim().slice(4, 20)), message);
    }
    assert.deepEqual(fake.audiences, [], 'no token asked for a malformed key');
    // Extra fields are ignored, as serde does.
    const extra = keyWith({ extra: true });
    const fakeExtra = createFakeSdkClient({ integrationKey: extra });
    await fakeExtra.connector(
      workloadAuth(() => Promise.resolve(OIDC_TOKEN), { integrationKey: extra }),
    );
  });

  it('refuses another workload and another well-formed key after the token', async () => {
    const fake = createFakeSdkClient();
    const token = () => Promise.resolve(OIDC_TOKEN);
    assert.equal(
      await messageOf(fake.connector(workloadAuth(token, { workloadId: 'other' }))),
      SDK_ERRORS.workloadRejected,
    );
    assert.equal(
      await messageOf(fake.connector(workloadAuth(token, { workloadId: '' }))),
      SDK_ERRORS.workloadIdEmpty,
    );
    assert.equal(
      await messageOf(
        fake.connector(workloadAuth(token, { integrationKey: keyWith({ key: 'cd'.repeat(32) }) })),
      ),
      SDK_ERRORS.keysetMismatch,
    );
    assert.equal(fake.audiences.length, 2, 'the token comes before the workload check');
    // The accepted workload and key are options.
    const other = keyWith({ key: 'cd'.repeat(32) });
    const custom = createFakeSdkClient({ workloadId: 'other', integrationKey: other });
    await custom.connector(workloadAuth(token, { workloadId: 'other', integrationKey: other }));
  });

  it('plays scripted connect faults before anything else', async () => {
    const fake = createFakeSdkClient({ faults: { connect: [new Error('rate limit exceeded')] } });
    assert.equal(
      await messageOf(fake.connector(workloadAuth(() => Promise.resolve(OIDC_TOKEN)))),
      'rate limit exceeded',
    );
    assert.deepEqual(fake.audiences, []);
  });
});

describe('fake SDK client: environments.getVariables', () => {
  it('every variable of the Environment, in order, with the display flag', async () => {
    const { client } = createFakeSdkClient();
    for (const environment of ENVIRONMENTS) {
      const { variables } = await client.environments.getVariables(environment.id);
      assert.deepEqual(variables, environment.variables);
    }
  });

  it('returns copies: a caller cannot change the fixture', async () => {
    const { client } = createFakeSdkClient();
    const { variables } = await client.environments.getVariables(ENVIRONMENT_IDS.staging);
    const first = variables[0];
    assert.ok(first);
    (first as { value: string }).value = 'changed';
    const again = await client.environments.getVariables(ENVIRONMENT_IDS.staging);
    assert.notEqual(again.variables[0]?.value, 'changed');
  });

  it("malformed, unknown and unshared IDs: the core's texts", async () => {
    const fake = createFakeSdkClient({ environmentVisible: (id) => id !== ENVIRONMENT_IDS.empty });
    const { client } = fake;
    for (const [id, expected] of [
      ['', SDK_ERRORS.environmentInvalid],
      ['STAGINGENV000000000000000E', SDK_ERRORS.environmentInvalid],
      [`${ENVIRONMENT_IDS.staging}x`, SDK_ERRORS.environmentInvalid],
      [ENVIRONMENT_IDS.unknown, SDK_ERRORS.environmentNotFound],
      [ENVIRONMENT_IDS.empty, SDK_ERRORS.environmentNotFound],
    ] as const) {
      assert.equal(await messageOf(client.environments.getVariables(id)), expected, id);
    }
    fake.fail('environments.getVariables', [new Error('boom')]);
    assert.equal(
      await messageOf(client.environments.getVariables(ENVIRONMENT_IDS.staging)),
      'boom',
    );
    assert.equal(fake.count('environments.getVariables'), 6);
  });
});

describe('service-account token builder', () => {
  it('round-trips: ops_ + unpadded base64url of the credentials JSON', () => {
    const address = 'http://127.0.0.1:4000';
    const token = makeServiceAccountToken(address);
    assert.match(token, /^ops_[A-Za-z0-9_-]+$/);
    const decoded = decodeServiceAccountToken(token);
    assert.deepEqual(decoded, makeServiceAccountCredentials(address));
    assert.equal(
      token,
      `ops_${Buffer.from(JSON.stringify(makeServiceAccountCredentials(address))).toString('base64url')}`,
    );
    // Padded standard base64 decodes too (the fixture token is written that way).
    assert.equal(
      (decodeServiceAccountToken(SERVICE_ACCOUNT_TOKEN) as { signInAddress: string }).signInAddress,
      'fixtures.1password.com',
    );
    assert.throws(() => decodeServiceAccountToken('abc'));
  });

  it('has the shapes the SDK expects', () => {
    const credentials = makeServiceAccountCredentials('https://example.1password.com');
    assert.deepEqual(Object.keys(credentials).sort(), [
      'deviceUuid',
      'email',
      'muk',
      'secretKey',
      'signInAddress',
      'srpX',
      'throttleSecret',
      'userAuth',
    ]);
    assert.equal(credentials.signInAddress, 'https://example.1password.com');
    assert.match(credentials.email, /^[a-z2-7]{13}@1passwordserviceaccounts\.com$/);
    assert.match(credentials.secretKey, /^A3(-[2-9A-HJ-NP-TV-Z]{6}){2}(-[2-9A-HJ-NP-TV-Z]{5}){4}$/);
    assert.match(credentials.srpX, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(credentials.muk).sort(), [
      'alg',
      'ext',
      'k',
      'key_ops',
      'kid',
      'kty',
    ]);
    assert.equal(credentials.muk.alg, 'A256GCM');
    assert.equal(credentials.muk.kty, 'oct');
    assert.equal(credentials.muk.kid, 'mp');
    assert.equal(credentials.muk.ext, true);
    assert.deepEqual(credentials.muk.key_ops, ['encrypt', 'decrypt']);
    assert.equal(Buffer.from(credentials.muk.k, 'base64url').length, 32);
    assert.deepEqual(credentials.userAuth, {
      method: 'SRPg-4096',
      alg: 'PBES2g-HS256',
      iterations: 650000,
      salt: credentials.userAuth.salt,
    });
    assert.equal(Buffer.from(credentials.userAuth.salt, 'base64url').length, 16);
    assert.match(credentials.deviceUuid, /^[a-z2-7]{26}$/);
    assert.match(credentials.throttleSecret.seed, /^[0-9a-f]{64}$/);
    assert.match(credentials.throttleSecret.uuid, /^[A-Z2-7]{26}$/);
    assert.equal(
      makeServiceAccountCredentials('x', { email: 'other@1passwordserviceaccounts.com' }).email,
      'other@1passwordserviceaccounts.com',
    );
  });
});

// ---------------------------------------------------------------------------------------

async function post(url: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/api/v3/auth/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    // Wide: a loopback answer can take seconds on a busy machine.
    signal: signal ?? AbortSignal.timeout(20_000),
  });
}

describe('sign-in server', () => {
  it('answers 401 by default and records requests', async () => {
    const server = await startSignInServer();
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await post(server.url, '{"email":"x"}');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.deepEqual(await response.json(), { reason: 'unauthorized' });
      assert.equal(server.requests.length, 1);
      const [request] = server.requests;
      assert.equal(request?.method, 'POST');
      assert.equal(request?.path, '/api/v3/auth/start');
      assert.equal(request?.headers['content-type'], 'application/json');
      assert.equal(request?.body, '{"email":"x"}');
    } finally {
      await server.close();
    }
  });

  it('plays a scripted status, body and headers, changeable later', async () => {
    const server = await startSignInServer({
      status: 429,
      body: 'slow down',
      headers: { 'retry-after': '7', 'content-type': 'text/plain' },
    });
    try {
      const first = await post(server.url, '');
      assert.equal(first.status, 429);
      assert.equal(first.headers.get('retry-after'), '7');
      assert.equal(first.headers.get('content-type'), 'text/plain');
      assert.equal(await first.text(), 'slow down');
      server.setBehaviour({ status: 503 });
      const second = await post(server.url, '');
      assert.equal(second.status, 503);
      assert.deepEqual(await second.json(), { reason: 'service unavailable' });
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it('can hang, and close() ends hung requests', async () => {
    const server = await startSignInServer({ hang: true });
    const timedOut = post(server.url, 'a', AbortSignal.timeout(150));
    await assert.rejects(timedOut, { name: 'TimeoutError' });
    const hung = post(server.url, 'b', AbortSignal.timeout(30_000));
    hung.catch(() => {});
    await until(() => server.requests.length === 2, 'the second request arriving');
    assert.equal(await state(hung, 50), 'pending');
    assert.equal(server.requests.length, 2);
    const started = Date.now();
    await server.close();
    await assert.rejects(hung);
    assert.ok(Date.now() - started < 5000);
    await server.close(); // idempotent
    await assert.rejects(post(server.url, 'c', AbortSignal.timeout(2000)));
  });
});

// ---------------------------------------------------------------------------------------
// The real SDK against the sign-in server

interface RealSdk {
  createClient(
    config:
      | { auth: string; integrationName: string; integrationVersion: string }
      | {
          integrationName: string;
          integrationVersion: string;
          oidcFetcher: (audience: string) => Promise<string>;
          workloadDetails: { workloadUuid: string; customerManagedSecret: string };
        },
  ): Promise<unknown>;
  /** Offline; on failure it throws a JSON string `{"name","message"}`, not an Error. */
  Secrets: { validateSecretReference(reference: string): void };
}

/** References that probe the SDK's syntax: what it accepts, what it refuses and why. */
const SYNTAX_PROBES = [
  'op://V/I/F',
  'op://V/I/S/F',
  'op://V/I/S/F/G',
  'op://V/I',
  'op://',
  'V/I/F',
  'OP://V/I/F',
  'op:/V/I/F',
  ' op://V/I/F',
  '',
  'op://V//F',
  'op:///I/F',
  'op://V/I/F/',
  'op:////',
  'op:// V/I/F',
  'op://V/I/F ',
  'op://a b/c d/e f',
  'op://V/I/a.b_c-d e',
  'op://V/I/F#frag',
  'op://V/I/F#',
  'op://V/I#/F',
  'op://V/I/F#x?attribute=otp',
  'op://É/I/F',
  'op://V/I/F"',
  "op://V/I'/F",
  'op://V/I/F%20x',
  'op://V/I/F%',
  'op://V:1/I/F',
  'op://user@V/I/F',
  'op://V/I/S/F/G#',
  'op://V/I/É/x/y',
  ...[...',:@+()!*#&=;~$[]{}\\|<>^`\t\n\u007f'].map((char) => `op://V/I/a${char}b`),
  'op://V/I/*',
  'op://V/I/a?b',
  'op://V/I/F?attribute=otp',
  'op://V/I/F?attribute=totp',
  'op://V/I/F?ssh-format=openssh',
  'op://V/I/F/?attribute=otp',
  'op://V/I/F?attribute=OTP',
  'op://V/I/F?attribute=type',
  'op://V/I/F?attribute=value',
  'op://V/I/F?attribute=',
  'op://V/I/F?attribute=otp ',
  'op://V/I/F?ssh-format=OpenSSH',
  'op://V/I/F?ssh-format=open ssh',
  'op://V/I/F?attribute=otp&ssh-format=openssh',
  'op://V/I/F?attribute=otp&attribute=otp',
  'op://V/I/F?attribute=otp&',
  'op://V/I/F?&attribute=otp',
  'op://V/I/F?foo=bar',
  'op://V/I/F?Attribute=otp',
  'op://V/I/F? attribute=otp',
  'op://V/I/F?=otp',
  'op://V/I/F?foo=',
  'op://V/I/F?=',
  'op://V/I/F?',
  'op://V/I/F?foo',
  'op://V/I/F?attribute',
  'op://V/I/F?#',
  'op://V/I/F?attribute=otp#x',
  'op://V/I/F?attribute=totp#',
  'op://V/I/F?attribute=ot,p',
  'op://V/I/F?attri,bute=otp',
  'op://V/I/F?attribute=otp=x',
  'op://V/I/F?attribute==otp',
  'op://V/I/F?attribute=É',
  'op://V/I/F?É=otp',
  'op://V/I/F?attribute=%6Ftp',
  'op://V/I/F?attribute=otp/x',
  'op://V/I/F?attribute=o"tp',
  'op://V/I/F??attribute=otp',
  'op://V/I/F?attribute=otp?',
  'op://V/I/F?foo=a?b',
  'op://V/I/F?a?b=c',
  'op://V/I/É?foo=bar',
  'op://V/I?attribute=otp',
  'op://V/I/S/F/G?foo=bar',
];

function findRealSdk(): string | undefined {
  const dir = process.env['OP_SDK_MODULE_DIR'];
  if (dir !== undefined && dir !== '' && existsSync(path.join(dir, 'package.json'))) {
    return pathToFileURL(path.join(dir, 'dist', 'sdk.js')).href;
  }
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@1password/sdk')).href;
  } catch {
    return undefined;
  }
}

const REAL_SDK = findRealSdk();
const skipReal = REAL_SDK === undefined ? 'sdk not installed' : false;

async function loadRealSdk(): Promise<RealSdk> {
  assert.ok(REAL_SDK);
  const module = (await import(REAL_SDK)) as RealSdk & { default?: RealSdk };
  return typeof module.createClient === 'function' ? module : (module.default as RealSdk);
}

/** Bounds a real `createClient` so no SDK behaviour can hang the suite. */
async function bounded(promise: Promise<unknown>, ms: number): Promise<unknown> {
  const timeout = Symbol('timeout');
  const timer = new AbortController();
  try {
    const result = await Promise.race([
      promise,
      sleep(ms, timeout, { signal: timer.signal }).catch(() => timeout),
    ]);
    if (result === timeout) throw new Error(`createClient did not settle within ${ms} ms`);
    return result;
  } finally {
    timer.abort(); // no timer left to hold the process open
  }
}

describe('real @1password/sdk against the sign-in server', { skip: skipReal }, () => {
  let sdk: RealSdk;
  let server: SignInServer | undefined;
  const config = (address: string) => ({
    auth: makeServiceAccountToken(address),
    integrationName: 'test',
    integrationVersion: '1.0.0',
  });

  before(async () => {
    sdk = await loadRealSdk();
  });
  after(async () => {
    await server?.close();
  });

  it('sends POST /api/v3/auth/start and rejects on a 401', async () => {
    server = await startSignInServer({ status: 401 });
    await assert.rejects(bounded(sdk.createClient(config(server.url)), 15_000), (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.message, OBSERVED_SIGN_IN_ERRORS[401]);
      return true;
    });
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/api/v3/auth/start');
    const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
    const credentials = makeServiceAccountCredentials(server.url);
    assert.equal(body['email'], credentials.email);
    assert.equal(body['deviceUuid'], credentials.deviceUuid);
    assert.match(String(request?.headers['user-agent']), /test\/1\.0\.0/);
    await server.close();
  });

  it('turns each status into the observed plain Error, after one request', async () => {
    for (const [status, message] of Object.entries(OBSERVED_SIGN_IN_ERRORS)) {
      server = await startSignInServer({ status: Number(status) });
      await assert.rejects(bounded(sdk.createClient(config(server.url)), 15_000), (error) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, message);
        return true;
      });
      assert.equal(server.requests.length, 1, `status ${status} was retried`);
      await server.close();
    }
  });

  it('waits on a hung server, and fails with the network error once it is gone', async () => {
    server = await startSignInServer({ hang: true });
    const pending = sdk.createClient(config(server.url));
    pending.catch(() => {});
    // The request arrives (however long the SDK takes on a busy machine), and is not answered.
    const hung = server;
    await until(() => hung.requests.length > 0, 'the sign-in request arriving');
    assert.equal(await state(pending, 500), 'pending');
    assert.equal(server.requests.length, 1);
    await server.close();
    await assert.rejects(bounded(pending, 15_000), { message: NETWORK_ERROR_TEXT });
  });

  it('parses references exactly like the fake resolveAll (validateSecretReference, offline)', async () => {
    const { client } = createFakeSdkClient();
    const { individualResponses } = await client.secrets.resolveAll(SYNTAX_PROBES);
    for (const reference of SYNTAX_PROBES) {
      let real: string | undefined;
      try {
        sdk.Secrets.validateSecretReference(reference);
      } catch (thrown) {
        const parsed = JSON.parse(String(thrown)) as { name: string; message: string };
        assert.equal(parsed.name, 'ParsingSecretReference');
        assert.ok(parsed.message.startsWith(SDK_PARSE_PREFIX), parsed.message);
        real = parsed.message.slice(SDK_PARSE_PREFIX.length);
      }
      const error = individualResponses[reference]?.error;
      const faked = error?.type === 'parsing' ? error.message : undefined;
      assert.equal(faked, real, `reference ${JSON.stringify(reference)}`);
    }
    assert.ok(Object.values(SDK_REFERENCE_ERRORS).every((text) => !text.startsWith('the ')));
  });

  it('is not reached by malformed tokens, which fail like the fake connector says', async () => {
    server = await startSignInServer({ status: 401 });
    const fake = createFakeSdkClient();
    for (const auth of [
      '',
      'abc',
      'ops_!!!!',
      `ops_${Buffer.from('{"a":1}').toString('base64url')}`,
    ]) {
      const real = await bounded(
        sdk.createClient({ auth, integrationName: 'test', integrationVersion: '1.0.0' }).then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
        15_000,
      );
      const faked = await fake.connector({ kind: 'service-account', token: auth }).then(
        () => 'resolved',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      assert.equal(real, faked, `token ${JSON.stringify(auth)}`);
    }
    assert.equal(server.requests.length, 0);
    await server.close();
  });
  it('checks an integration key like the fake connector says, before any request or token', async () => {
    const fake = createFakeSdkClient();
    const asked: string[] = [];
    const idToken = (audience: string) => {
      asked.push(audience);
      return Promise.resolve(OIDC_TOKEN);
    };
    // Every key the real SDK can be given offline stops at its checks (a well-formed one asks
    // for a token, and posts it to the key's host: see below, with a fetcher that refuses).
    for (const key of [
      '',
      'abc',
      ` ${INTEGRATION_KEY}`,
      'ops_!!!',
      'ops_',
      INTEGRATION_KEY_PADDED,
      `ops_${Buffer.from(JSON.stringify(INTEGRATION_KEY_PAYLOAD)).toString('base64url')}_-`,
      `ops_${Buffer.from('[1]').toString('base64')}`,
      SERVICE_ACCOUNT_TOKEN.replace(/=+$/, ''),
      keyWith({ ver: '1' }),
      keyWith({ path: undefined }),
      keyWith({ ver: 0 }),
      keyWith({ ver: 2 }),
      keyWith({ typ: 'aes' }),
      keyWith({ typ: 'aes', key: 'xy', path: 'p' }),
      keyWith({ key: 'xy'.repeat(32) }),
      keyWith({ key: 'abc' }),
      keyWith({ key: 'ab'.repeat(16) }),
      keyWith({ key: 'ab'.repeat(31) }),
      keyWith({ path: 'fixtures.1password.com/accounts/a' }),
      keyWith({ path: '//fixtures.1password.com' }),
      keyWith({ path: '//host/teams/a' }),
      keyWith({ path: '//host/accounts/' }),
    ]) {
      const real = await bounded(
        messageOf(
          sdk.createClient({
            integrationName: 'test',
            integrationVersion: '1.0.0',
            oidcFetcher: idToken,
            workloadDetails: { workloadUuid: WORKLOAD_ID, customerManagedSecret: key },
          }),
        ),
        15_000,
      );
      const faked = await messageOf(fake.connector(workloadAuth(idToken, { integrationKey: key })));
      assert.equal(real, faked, `key ${JSON.stringify(key.slice(0, 40))}`);
    }
    assert.deepEqual(asked, [], 'the real SDK asked for a token');
    // The fixture's own key is well-formed: both ask the fetcher for the key's host. The
    // fetcher refuses, so the real SDK posts nothing to fixtures.1password.com.
    const refused: string[] = [];
    const refusing = (audience: string) => {
      refused.push(audience);
      return Promise.reject(new Error('fixture: no token here'));
    };
    const real = await bounded(
      messageOf(
        sdk.createClient({
          integrationName: 'test',
          integrationVersion: '1.0.0',
          oidcFetcher: refusing,
          workloadDetails: { workloadUuid: WORKLOAD_ID, customerManagedSecret: INTEGRATION_KEY },
        }),
      ),
      15_000,
    );
    assert.equal(real, SDK_ERRORS.oidcRejected);
    assert.deepEqual(refused, [DEFAULT_AUDIENCE]);
    assert.equal(await messageOf(fake.connector(workloadAuth(refusing))), real);
    assert.deepEqual(refused, [DEFAULT_AUDIENCE, DEFAULT_AUDIENCE]);
    // A fetcher that throws, rejects, or hands over a non-string: the same texts.
    const failing: ((audience: string) => Promise<string>)[] = [
      () => {
        throw new Error('fixture: thrown');
      },
      () => Promise.reject(new Error('fixture: rejected')),
      () => Promise.resolve(7 as unknown as string),
    ];
    for (const fetcher of failing) {
      const realText = await bounded(
        messageOf(
          sdk.createClient({
            integrationName: 'test',
            integrationVersion: '1.0.0',
            oidcFetcher: fetcher,
            workloadDetails: { workloadUuid: WORKLOAD_ID, customerManagedSecret: INTEGRATION_KEY },
          }),
        ),
        15_000,
      );
      assert.equal(await messageOf(fake.connector(workloadAuth(fetcher))), realText);
    }
  });
});
