/**
 * The fake 1Password Connect server (test/fakes/connect-server.ts), the TOTP reference
 * (test/fakes/totp.ts) and the data set (test/fixtures/vault-data.ts), held against what is
 * recorded elsewhere:
 * - 1Password's OpenAPI document for Connect 1.7.1 (1Password/connect docs/openapi/spec.yaml,
 *   summed up in CONNECT-API.md): the ID pattern, the Vault, Item, FullItem, Field and File
 *   schemas, the error bodies and their example texts;
 * - 1Password's own Connect SDK fixtures and types: connect-sdk-js __test__/responses/*.json,
 *   connect-sdk-go onepassword/items.go and files.go;
 * - RFC 6238 appendix B and RFC 4226 appendix D test vectors.
 * The fake's knobs (scripted faults, counters, latency, reset, TLS) are not tested here: the
 * Connect, TLS, pipeline and e2e tests that use them fail when they break.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { base32Encode, hotp, totp, totpsBetween } from '../fakes/totp.ts';
import {
  BINARY_FILE_BYTES,
  BUNDLE_PEM,
  CONNECT_TOKEN,
  IDS,
  MFA_OTP_URI,
  VALUES,
  VAULTS,
  WRONG_CONNECT_TOKEN,
} from '../fixtures/vault-data.ts';

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A bounded GET of its own, so that the fake is tested apart from src/. */
function get(base: string, path: string, token: string | null = CONNECT_TOKEN): Promise<Response> {
  const headers: Record<string, string> =
    token === null ? {} : { authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${base}${path}`,
      // Wide: a loopback answer can take seconds on a busy machine.
      { headers, signal: AbortSignal.timeout(20_000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: String(body) });
        });
      },
    );
    req.on('error', reject);
  });
}

function json(response: Response): unknown {
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return JSON.parse(response.text);
}

function asArray(value: unknown): Record<string, unknown>[] {
  assert.ok(Array.isArray(value), 'expected a JSON array');
  return value as Record<string, unknown>[];
}

function asObject(value: unknown): Record<string, unknown> {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value));
  return value as Record<string, unknown>;
}

/** Every key of `object` is one the schema declares. */
function keysWithin(object: Record<string, unknown>, schema: readonly string[], what: string) {
  const extra = Object.keys(object).filter((key) => !schema.includes(key));
  assert.deepEqual(extra, [], `${what}: keys the OpenAPI schema does not declare`);
}

// From spec.yaml (components.schemas); Field's `totp` from connect-sdk-go ItemField (json:"totp").
const ID = /^[\da-z]{26}$/;
const words = (text: string): string[] => text.split(/\s+/);
const VAULT_KEYS = words(
  'id name description attributeVersion contentVersion items type createdAt updatedAt',
);
const ITEM_KEYS = words(
  'id title vault category urls favorite tags version state createdAt updatedAt lastEditedBy',
);
const FULL_ITEM_KEYS = [...ITEM_KEYS, 'sections', 'fields', 'files'];
const CATEGORIES = words(`LOGIN PASSWORD API_CREDENTIAL SERVER DATABASE CREDIT_CARD MEMBERSHIP
  PASSPORT SOFTWARE_LICENSE OUTDOOR_LICENSE SECURE_NOTE WIRELESS_ROUTER BANK_ACCOUNT
  DRIVER_LICENSE IDENTITY REWARD_PROGRAM DOCUMENT EMAIL_ACCOUNT SOCIAL_SECURITY_NUMBER
  MEDICAL_RECORD SSH_KEY CUSTOM`);
const FIELD_KEYS = words('id section type purpose label value totp');
const FIELD_TYPES = words('STRING EMAIL CONCEALED URL OTP DATE MONTH_YEAR MENU SSHKEY');
const PURPOSES = ['', 'USERNAME', 'PASSWORD', 'NOTES'];
const FILE_KEYS = words('id name size content_path section content');

const q = (filter: string): string => `?filter=${encodeURIComponent(filter)}`;
const E = IDS.vaults.engineering;
const P = IDS.vaults.platform;

// ---------------------------------------------------------------------------------------

describe('totp()', () => {
  // RFC 6238 appendix B: the seeds are the ASCII digits, repeated to the hash's key length.
  const secrets = {
    SHA1: base32Encode(Buffer.from('12345678901234567890')),
    SHA256: base32Encode(Buffer.from('12345678901234567890123456789012')),
    SHA512: base32Encode(
      Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
    ),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];

  it('matches the RFC 6238 appendix B vectors (8 digits, SHA-1/256/512)', () => {
    for (const [t, sha1, sha256, sha512] of vectors) {
      const uri = (alg: string, secret: string): string =>
        `otpauth://totp/RFC:6238?secret=${secret}&digits=8&algorithm=${alg}`;
      assert.equal(totp(uri('SHA1', secrets.SHA1), t * 1000), sha1, `SHA1 T=${t}`);
      assert.equal(totp(uri('SHA256', secrets.SHA256), t * 1000), sha256, `SHA256 T=${t}`);
      assert.equal(totp(uri('SHA512', secrets.SHA512), t * 1000), sha512, `SHA512 T=${t}`);
    }
  });

  it('defaults to SHA-1, 6 digits, 30 s: the RFC 6238 vectors cut to 6, bare seed or URI', () => {
    for (const [t, sha1] of vectors) {
      assert.equal(totp(secrets.SHA1, t * 1000), sha1.slice(2));
      assert.equal(totp(`otpauth://totp/x?secret=${secrets.SHA1}`, t * 1000), sha1.slice(2));
    }
  });

  it('matches the RFC 4226 appendix D HOTP vectors', () => {
    const key = Buffer.from('12345678901234567890');
    const expected = ['755224', '287082', '359152', '969429', '338314'];
    for (const [counter, code] of expected.entries()) assert.equal(hotp(key, counter), code);
  });
});

describe('vault-data fixtures', () => {
  it('uses unique IDs of the OpenAPI pattern ^[\\da-z]{26}$', () => {
    // spec.yaml gives Vault and Item IDs the pattern; its File example ID has the same shape.
    const items = VAULTS.flatMap((vault) => vault.items);
    const ids = [
      ...VAULTS.map((vault) => vault.id),
      ...items.map((item) => item.id),
      ...items.flatMap((item) => (item.files ?? []).map((file) => file.id)),
    ];
    for (const id of ids) assert.match(id, ID);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('has a Connect token shaped like a real one: an ES256 JWT (CONNECT-API.md)', () => {
    // The payload starts with {"1password.com/auuid"..., hence eyI.
    assert.match(CONNECT_TOKEN, /^eyJ[A-Za-z0-9_-]+\.eyI[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{80,}$/);
    const header = CONNECT_TOKEN.split('.')[0] ?? '';
    assert.equal(asObject(JSON.parse(Buffer.from(header, 'base64url').toString()))['alg'], 'ES256');
    assert.notEqual(CONNECT_TOKEN, WRONG_CONNECT_TOKEN);
  });
});

describe('fake Connect server, against the OpenAPI document', { timeout: 30_000 }, () => {
  let fake: FakeConnect;
  before(async () => {
    fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  });
  after(() => fake.close());

  it('GET /heartbeat is "." and GET /health names the API, without a token (GetHeartbeat, GetServerHealth)', async () => {
    const heartbeat = await get(fake.url, '/heartbeat', null);
    assert.equal(heartbeat.status, 200);
    assert.match(String(heartbeat.headers['content-type']), /^text\/plain/);
    assert.equal(heartbeat.text, '.');
    const health = asObject(json(await get(fake.url, '/health', null)));
    // Required: name and version; the example's name is this one.
    assert.equal(health['name'], '1Password Connect API');
    assert.equal(typeof health['version'], 'string');
  });

  it('401 {"status":401,"message":"Invalid token signature"} without the right bearer token', async () => {
    for (const token of [null, WRONG_CONNECT_TOKEN, '']) {
      for (const path of ['/v1/vaults', `/v1/vaults/${E}/items/${IDS.items.deploy}`]) {
        const response = await get(fake.url, path, token);
        assert.equal(response.status, 401);
        assert.deepEqual(json(response), { status: 401, message: 'Invalid token signature' });
      }
    }
  });

  it('lists Vault objects in scope, filtered by a SCIM name eq; a malformed filter is 400', async () => {
    const vaults = asArray(json(await get(fake.url, '/v1/vaults')));
    for (const vault of vaults) {
      // The keys of the Vault schema, all of them, as in connect-sdk-js responses/vaults.json.
      assert.deepEqual(Object.keys(vault).sort(), [...VAULT_KEYS].sort());
      assert.match(String(vault['id']), ID);
      assert.ok(
        ['USER_CREATED', 'PERSONAL', 'EVERYONE', 'TRANSFER'].includes(String(vault['type'])),
      );
    }
    assert.ok(!vaults.some((vault) => vault['id'] === IDS.vaults.restricted));

    const byName = async (filter: string) =>
      asArray(json(await get(fake.url, `/v1/vaults${q(filter)}`))).map((v) => v['id']);
    assert.deepEqual(await byName('name eq "Engineering"'), [E]);
    assert.deepEqual(await byName('name eq "Shared"'), [IDS.vaults.sharedA, IDS.vaults.sharedB]);
    assert.deepEqual(await byName('name eq "Équipe ☃"'), [IDS.vaults.equipe]);
    assert.deepEqual(await byName('name eq "Restricted"'), []);
    for (const bad of ['name = "Engineering"', 'name eq Engineering', 'name eq']) {
      const response = await get(fake.url, `/v1/vaults${q(bad)}`);
      assert.equal(response.status, 400, bad);
      assert.equal(asObject(json(response))['status'], 400);
    }
  });

  it('403 "vault {uuid} is not in scope", 404 "vault {uuid} not found"; a path ID off the pattern is 400', async () => {
    for (const path of ['', '/items', `/items/${IDS.items.restrictedDeploy}`]) {
      const response = await get(fake.url, `/v1/vaults/${IDS.vaults.restricted}${path}`);
      assert.equal(response.status, 403, path);
      assert.deepEqual(json(response), {
        status: 403,
        message: `vault ${IDS.vaults.restricted} is not in scope`,
      });
    }
    const unknown = 'unknownvault00000000000000';
    const missing = await get(fake.url, `/v1/vaults/${unknown}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(json(missing), { status: 404, message: `vault ${unknown} not found` });
    // The path parameters carry the ID pattern: a title there fails validation.
    assert.equal((await get(fake.url, '/v1/vaults/Engineering')).status, 400);
    assert.equal((await get(fake.url, `/v1/vaults/${E}/items/deploy`)).status, 400);
    assert.equal(asObject(json(await get(fake.url, `/v1/vaults/${E}`)))['name'], 'Engineering');
  });

  it('lists Item overviews (no sections, fields or files), filtered by a SCIM title eq', async () => {
    const items = asArray(json(await get(fake.url, `/v1/vaults/${E}/items`)));
    assert.equal(items.length, VAULTS.find((vault) => vault.id === E)?.items.length);
    for (const item of items) {
      // Item, not FullItem; as in connect-sdk-js responses/vault-items.json.
      keysWithin(item, ITEM_KEYS, String(item['title']));
      assert.deepEqual(item['vault'], { id: E });
      assert.ok(CATEGORIES.includes(String(item['category'])));
    }
    const byTitle = async (vaultId: string, title: string) =>
      asArray(
        json(await get(fake.url, `/v1/vaults/${vaultId}/items${q(`title eq "${title}"`)}`)),
      ).map((item) => item['id']);
    assert.deepEqual(await byTitle(E, 'twin'), [IDS.items.twinA, IDS.items.twinB]);
    assert.deepEqual(await byTitle(E, "Clé d'accès (prod)"), [IDS.items.cle]);
    assert.deepEqual(await byTitle(P, 'db'), []);
    const bad = await get(fake.url, `/v1/vaults/${E}/items${q('title eq "unterminated')}`);
    assert.equal(bad.status, 400);
  });

  it('serves every item of the data set as a FullItem of the schema; 404 "item {uuid} not found"', async () => {
    let fields = 0;
    for (const vault of VAULTS.filter((candidate) => candidate.accessible !== false)) {
      for (const expected of vault.items) {
        const item = asObject(
          json(await get(fake.url, `/v1/vaults/${vault.id}/items/${expected.id}`)),
        );
        keysWithin(item, FULL_ITEM_KEYS, expected.title);
        assert.equal(item['title'], expected.title);
        assert.deepEqual(item['vault'], { id: vault.id });
        assert.ok(CATEGORIES.includes(String(item['category'])), expected.title);
        const sectionIds = asArray(item['sections'] ?? []).map((section) => {
          keysWithin(section, ['id', 'label'], `${expected.title} section`);
          return section['id'];
        });
        for (const field of asArray(item['fields'])) {
          fields += 1;
          keysWithin(field, FIELD_KEYS, `${expected.title} field`);
          assert.equal(typeof field['id'], 'string');
          assert.ok(FIELD_TYPES.includes(String(field['type'])), String(field['type']));
          if ('purpose' in field) assert.ok(PURPOSES.includes(String(field['purpose'])));
          if ('section' in field) {
            const section = asObject(field['section']);
            assert.deepEqual(Object.keys(section), ['id']);
            assert.ok(sectionIds.includes(section['id']), `${expected.title}: unknown section`);
          }
        }
        // urls[] {label?, primary?, href} (spec; connect-sdk-go ItemURL json:"href").
        for (const url of asArray(item['urls'] ?? [])) {
          keysWithin(url, ['label', 'primary', 'href'], `${expected.title} url`);
          assert.equal(typeof url['href'], 'string');
        }
      }
    }
    assert.ok(fields > 40, `${fields} fields checked`);

    const deploy = asObject(json(await get(fake.url, `/v1/vaults/${E}/items/${IDS.items.deploy}`)));
    const byLabel = (label: string) =>
      asArray(deploy['fields']).find((field) => field['label'] === label);
    assert.equal(byLabel('username')?.['value'], VALUES.deployUsername);
    assert.equal(byLabel('username')?.['purpose'], 'USERNAME');
    assert.equal(byLabel('password')?.['type'], 'CONCEALED');

    const unknown = 'unknownitem000000000000000';
    const missing = await get(fake.url, `/v1/vaults/${E}/items/${unknown}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(json(missing), { status: 404, message: `item ${unknown} not found` });
    assert.equal((await get(fake.url, `/v1/vaults/${P}/items/${IDS.items.deploy}`)).status, 404);
  });

  it('gives an OTP field its current code in totp (connect-sdk-go ItemField json:"totp")', async () => {
    const from = Date.now();
    const mfa = asObject(json(await get(fake.url, `/v1/vaults/${E}/items/${IDS.items.mfa}`)));
    const to = Date.now();
    const otp = asArray(mfa['fields']).find((field) => field['type'] === 'OTP');
    assert.equal(otp?.['value'], MFA_OTP_URI);
    assert.ok(totpsBetween(MFA_OTP_URI, from, to).includes(String(otp?.['totp'])));
    const username = asArray(mfa['fields']).find((field) => field['label'] === 'username');
    assert.ok(username !== undefined && !('totp' in username));
  });

  it('serves File objects, base64 content only with inline_files=true, raw bytes at /content; 404 "file {uuid} not found"', async () => {
    const itemPath = `/v1/vaults/${E}/items/${IDS.items.certs}`;
    const files = asArray(asObject(json(await get(fake.url, itemPath)))['files']);
    assert.equal(files.length, 4);
    for (const file of files) {
      // File: {id, name, size, content_path, section?, content?} (spec; connect-sdk-go File).
      keysWithin(file, FILE_KEYS, String(file['name']));
      assert.ok(!('content' in file));
      assert.equal(typeof file['size'], 'number');
      // The spec's example path has no leading slash; either way it ends like this.
      assert.ok(
        String(file['content_path']).endsWith(
          `v1/vaults/${E}/items/${IDS.items.certs}/files/${String(file['id'])}/content`,
        ),
      );
    }
    const binary = files.find((file) => file['id'] === IDS.files.binaryBin);
    assert.equal(binary?.['size'], BINARY_FILE_BYTES.length);

    const listed = asArray(json(await get(fake.url, `${itemPath}/files`)));
    assert.ok(listed.length === 4 && listed.every((file) => !('content' in file)));
    const inline = asArray(json(await get(fake.url, `${itemPath}/files?inline_files=true`)));
    const bundle = inline.find((file) => file['name'] === 'bundle.pem');
    assert.equal(Buffer.from(String(bundle?.['content']), 'base64').toString(), BUNDLE_PEM);

    // DownloadFileByID: application/octet-stream, the exact bytes.
    const content = await get(fake.url, `${itemPath}/files/${IDS.files.binaryBin}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(new Uint8Array(content.body), BINARY_FILE_BYTES);

    const unknown = 'unknownfile000000000000000';
    const missing = await get(fake.url, `${itemPath}/files/${unknown}/content`);
    assert.deepEqual(json(missing), { status: 404, message: `file ${unknown} not found` });
  });

  it('413 with the documented text for a file too large to inline; /content still serves it', async () => {
    const [vault, item, file] = [
      'bigfilevault00000000000000',
      'bigfileitem000000000000000',
      'bigfile0000000000000000000',
    ];
    const large = await startFakeConnect({
      token: CONNECT_TOKEN,
      vaults: [
        {
          id: vault,
          name: 'Big',
          items: [
            {
              id: item,
              title: 'big',
              fields: [],
              files: [{ id: file, name: 'big.bin', content: new Uint8Array(1024 * 1024) }],
            },
          ],
        },
      ],
    });
    try {
      const itemPath = `/v1/vaults/${vault}/items/${item}`;
      for (const path of [`${itemPath}/files`, `${itemPath}/files/${file}`]) {
        const response = await get(large.url, `${path}?inline_files=true`);
        assert.equal(response.status, 413, path);
        assert.deepEqual(json(response), {
          status: 413,
          message:
            'File is too large to inline in request. Use the /v1/vaults/{vaultUUID}/items/{itemUUID}/files/{fileUUID}/content endpoint instead.',
        });
        assert.equal((await get(large.url, path)).status, 200);
      }
      assert.equal(
        (await get(large.url, `${itemPath}/files/${file}/content`)).body.length,
        1024 * 1024,
      );
    } finally {
      await large.close();
    }
  });
});
