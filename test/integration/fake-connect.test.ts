/**
 * Self-tests of the test doubles: the fake 1Password Connect server
 * (test/fakes/connect-server.ts), the TOTP reference (test/fakes/totp.ts) and the
 * canonical data set (test/fixtures/vault-data.ts). If these are wrong, every test built
 * on them proves nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServerIdentity } from 'node:tls';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import { base32Encode, hotp, totp, totpsBetween } from '../fakes/totp.ts';
import {
  ALL_VALUES,
  BINARY_FILE_BYTES,
  BUNDLE_PEM,
  CONNECT_TOKEN,
  ID_SHAPED_TITLE,
  IDS,
  MFA_OTP_URI,
  TRICKY_VALUES,
  VALUES,
  VAULTS,
  WRONG_CONNECT_TOKEN,
} from '../fixtures/vault-data.ts';

// ---------------------------------------------------------------------------------------
// A small bounded HTTP(S) client of its own, so that the fake is tested apart from src/

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

interface RequestOptions {
  /** Default CONNECT_TOKEN; null sends no Authorization header. */
  token?: string | null;
  method?: string;
  ca?: string | Buffer;
  agent?: http.Agent;
  timeoutMs?: number;
}

function request(base: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const url = new URL(base);
  const token = options.token === undefined ? CONNECT_TOKEN : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const requestOptions: https.RequestOptions = {
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port,
    path,
    method: options.method ?? 'GET',
    headers,
    // Wide: a loopback answer can take seconds on a busy machine.
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  };
  if (options.agent !== undefined) requestOptions.agent = options.agent;
  if (options.ca !== undefined) requestOptions.ca = options.ca;
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
      });
    });
    req.on('error', reject);
    req.end();
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

const q = (filter: string): string => `?filter=${encodeURIComponent(filter)}`;
const E = IDS.vaults.engineering;
const P = IDS.vaults.platform;

// ---------------------------------------------------------------------------------------

describe('totp()', () => {
  // RFC 6238 appendix B test vectors.
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

  it('matches the RFC 6238 vectors (8 digits, SHA-1/256/512)', () => {
    for (const [t, sha1, sha256, sha512] of vectors) {
      const uri = (alg: string, secret: string): string =>
        `otpauth://totp/RFC:6238?secret=${secret}&digits=8&algorithm=${alg}`;
      assert.equal(totp(uri('SHA1', secrets.SHA1), t * 1000), sha1, `SHA1 T=${t}`);
      assert.equal(totp(uri('SHA256', secrets.SHA256), t * 1000), sha256, `SHA256 T=${t}`);
      assert.equal(totp(uri('SHA512', secrets.SHA512), t * 1000), sha512, `SHA512 T=${t}`);
    }
  });

  it('gives the last 6 digits by default, for a bare secret or a URI', () => {
    for (const [t, sha1] of vectors) {
      assert.equal(totp(secrets.SHA1, t * 1000), sha1.slice(2));
      assert.equal(totp(`otpauth://totp/x?secret=${secrets.SHA1}`, t * 1000), sha1.slice(2));
    }
    assert.equal(totp(secrets.SHA1.toLowerCase(), 59_000), '287082');
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const key = Buffer.from('12345678901234567890');
    const expected = ['755224', '287082', '359152', '969429', '338314'];
    for (const [counter, code] of expected.entries()) assert.equal(hotp(key, counter), code);
  });

  it('changes every 30 seconds and rejects junk', () => {
    assert.equal(totp(MFA_OTP_URI, 30_000), totp(MFA_OTP_URI, 59_999));
    assert.notEqual(totp(MFA_OTP_URI, 59_999), totp(MFA_OTP_URI, 60_000));
    assert.throws(() => totp('not base32!'));
    assert.throws(() => totp('otpauth://totp/x?issuer=none'));
  });
});

describe('vault-data fixtures', () => {
  const items = VAULTS.flatMap((vault) => vault.items.map((item) => ({ vault, item })));

  it('uses unique 26-char [a-z0-9] IDs', () => {
    const ids = [
      ...VAULTS.map((vault) => vault.id),
      ...items.map(({ item }) => item.id),
      ...items.flatMap(({ item }) => (item.files ?? []).map((file) => file.id)),
    ];
    for (const id of ids) assert.match(id, /^[a-z0-9]{26}$/);
    assert.equal(new Set(ids).size, ids.length);
    for (const { item } of items) {
      const fieldIds = item.fields.map((field) => field.id);
      assert.equal(new Set(fieldIds).size, fieldIds.length, `field IDs of ${item.title}`);
    }
  });

  it('has unique, distinctive values', () => {
    assert.ok(ALL_VALUES.length >= 40);
    assert.equal(new Set(ALL_VALUES).size, ALL_VALUES.length);
    for (const value of ALL_VALUES) assert.ok(value.length >= 8, JSON.stringify(value));
    for (const value of Object.values(VALUES)) assert.ok(ALL_VALUES.includes(value), value);
    for (const value of Object.values(TRICKY_VALUES)) assert.ok(ALL_VALUES.includes(value));
  });

  it('has a JWT-shaped Connect token', () => {
    const parts = CONNECT_TOKEN.split('.');
    assert.equal(parts.length, 3);
    // Like a real Connect token: the payload starts with {"1password.com/auuid"...
    assert.match(CONNECT_TOKEN, /^eyJ[A-Za-z0-9_-]+\.eyI[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{80,}$/);
    const header = asObject(JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()));
    assert.equal(header['alg'], 'ES256');
    assert.notEqual(CONNECT_TOKEN, WRONG_CONNECT_TOKEN);
  });

  it('sets up the resolution edge cases', () => {
    const find = (vaultId: string, title: string) =>
      items.filter(({ vault, item }) => vault.id === vaultId && item.title === title);
    assert.equal(find(E, 'twin').length, 2);
    assert.equal(find(E, IDS.items.idTarget).length, 1, 'decoy titled like the target ID');
    assert.equal(find(E, ID_SHAPED_TITLE).length, 1);
    assert.ok(!items.some(({ item }) => item.id === ID_SHAPED_TITLE));
    assert.equal(find(P, 'db').length, 0);
    assert.equal(find(P, 'db/staging').length, 1);
    assert.equal(find(P, 'cache').length, 1);
    assert.equal(find(P, 'cache/prod').length, 1);
    assert.equal(find(P, 'queue/eu').length, 0);
    assert.equal(VAULTS.filter((vault) => vault.name === 'Shared').length, 2);
    assert.equal(VAULTS.find((vault) => vault.name === 'Restricted')?.accessible, false);
    const tricky = find(E, 'tricky')[0]?.item;
    for (const [label, value] of Object.entries(TRICKY_VALUES)) {
      assert.equal(tricky?.fields.find((field) => field.label === label)?.value, value);
    }
    assert.ok(TRICKY_VALUES.pem.endsWith('\n'));
    assert.ok(BUNDLE_PEM.endsWith('-----END CERTIFICATE-----\n'));
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(BINARY_FILE_BYTES));
  });
});

describe('fake Connect server (http)', { timeout: 30_000 }, () => {
  let fake: FakeConnect;
  before(async () => {
    fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  });
  after(async () => {
    await fake.close();
  });

  it('serves /heartbeat and /health without a token', async () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const heartbeat = await request(fake.url, '/heartbeat', { token: null });
    assert.equal(heartbeat.status, 200);
    assert.equal(heartbeat.text, '.');
    const health = await request(fake.url, '/health', { token: null });
    assert.equal(health.status, 200);
    assert.equal(asObject(json(health))['name'], '1Password Connect API');
  });

  it('requires the bearer token (401 JSON body)', async () => {
    for (const token of [null, WRONG_CONNECT_TOKEN, '']) {
      const response = await request(fake.url, '/v1/vaults', { token });
      assert.equal(response.status, 401);
      assert.deepEqual(json(response), { status: 401, message: 'Invalid token signature' });
    }
    const vaultPath = `/v1/vaults/${E}/items/${IDS.items.deploy}`;
    assert.equal((await request(fake.url, vaultPath, { token: null })).status, 401);
    assert.equal(fake.requests.at(-1)?.authorization, undefined);
    await request(fake.url, vaultPath);
    assert.equal(fake.requests.at(-1)?.authorization, `Bearer ${CONNECT_TOKEN}`);
  });

  it('lists only accessible vaults, with Connect vault objects', async () => {
    const vaults = asArray(json(await request(fake.url, '/v1/vaults')));
    const names = vaults.map((vault) => vault['name']);
    assert.ok(names.includes('Engineering'));
    assert.ok(!names.includes('Restricted'));
    assert.equal(names.filter((name) => name === 'Shared').length, 2);
    const engineering = vaults.find((vault) => vault['id'] === E);
    assert.deepEqual(Object.keys(engineering ?? {}).sort(), [
      'attributeVersion',
      'contentVersion',
      'createdAt',
      'description',
      'id',
      'items',
      'name',
      'type',
      'updatedAt',
    ]);
    assert.equal(engineering?.['type'], 'USER_CREATED');
  });

  it('filters vaults by name; a malformed filter is 400', async () => {
    const byName = async (filter: string) =>
      asArray(json(await request(fake.url, `/v1/vaults${q(filter)}`))).map((v) => v['id']);
    assert.deepEqual(await byName('name eq "Engineering"'), [E]);
    assert.deepEqual(await byName('name eq "Shared"'), [IDS.vaults.sharedA, IDS.vaults.sharedB]);
    assert.deepEqual(await byName('name eq "Équipe ☃"'), [IDS.vaults.equipe]);
    assert.deepEqual(await byName('name eq "Restricted"'), []);
    assert.deepEqual(await byName('name eq "Nope"'), []);
    for (const bad of ['name = "Engineering"', 'name eq Engineering', 'nope eq "x"', 'name eq']) {
      const response = await request(fake.url, `/v1/vaults${q(bad)}`);
      assert.equal(response.status, 400, bad);
      assert.equal(asObject(json(response))['status'], 400);
    }
  });

  it('answers 400 / 403 / 404 for vaults like Connect', async () => {
    const byTitle = await request(fake.url, '/v1/vaults/Engineering');
    assert.equal(byTitle.status, 400);
    assert.deepEqual(json(byTitle), { status: 400, message: 'Invalid Vault UUID' });
    const unknown = 'unknownvault00000000000000';
    const missing = await request(fake.url, `/v1/vaults/${unknown}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(json(missing), { status: 404, message: `vault ${unknown} not found` });
    for (const path of ['', '/items', `/items/${IDS.items.restrictedDeploy}`]) {
      const response = await request(fake.url, `/v1/vaults/${IDS.vaults.restricted}${path}`);
      assert.equal(response.status, 403, path);
      assert.deepEqual(json(response), {
        status: 403,
        message: `vault ${IDS.vaults.restricted} is not in scope`,
      });
    }
    const vault = asObject(json(await request(fake.url, `/v1/vaults/${E}`)));
    assert.equal(vault['name'], 'Engineering');
  });

  it('lists item overviews without fields, and filters them by title', async () => {
    const items = asArray(json(await request(fake.url, `/v1/vaults/${E}/items`)));
    assert.equal(items.length, VAULTS.find((vault) => vault.id === E)?.items.length);
    for (const item of items) {
      assert.ok(!('fields' in item) && !('sections' in item) && !('files' in item));
      assert.deepEqual(item['vault'], { id: E });
      assert.equal(typeof item['title'], 'string');
      assert.equal(typeof item['category'], 'string');
      assert.equal(typeof item['version'], 'number');
    }
    const byTitle = async (vaultId: string, title: string) =>
      asArray(
        json(await request(fake.url, `/v1/vaults/${vaultId}/items${q(`title eq "${title}"`)}`)),
      ).map((item) => item['id']);
    assert.deepEqual(await byTitle(E, 'twin'), [IDS.items.twinA, IDS.items.twinB]);
    assert.deepEqual(await byTitle(E, 'services/loom/deploy'), [IDS.items.loomDeploy]);
    assert.deepEqual(await byTitle(E, "Clé d'accès (prod)"), [IDS.items.cle]);
    assert.deepEqual(await byTitle(P, 'db'), []);
    const bad = await request(fake.url, `/v1/vaults/${E}/items${q('title eq "unterminated')}`);
    assert.equal(bad.status, 400);
    const quoted = await request(fake.url, `/v1/vaults/${E}/items${q('title eq "a"b"')}`);
    assert.equal(quoted.status, 400);
  });

  it('serves full items; 400 for a non-ID, 404 for an unknown item', async () => {
    const deploy = asObject(
      json(await request(fake.url, `/v1/vaults/${E}/items/${IDS.items.deploy}`)),
    );
    assert.equal(deploy['title'], 'deploy');
    assert.deepEqual(deploy['vault'], { id: E });
    const fields = asArray(deploy['fields']);
    const byLabel = (label: string) => fields.find((field) => field['label'] === label);
    assert.equal(byLabel('username')?.['value'], VALUES.deployUsername);
    assert.equal(byLabel('username')?.['purpose'], 'USERNAME');
    assert.equal(byLabel('password')?.['type'], 'CONCEALED');
    assert.equal(byLabel('token')?.['value'], VALUES.deployToken);
    assert.equal(byLabel('notesPlain')?.['value'], VALUES.deployNotes);

    const api = asObject(json(await request(fake.url, `/v1/vaults/${P}/items/${IDS.items.api}`)));
    assert.equal(asArray(api['sections']).length, 2);
    assert.equal(asArray(api['fields']).filter((field) => 'section' in field).length, 2);

    const tricky = asObject(
      json(await request(fake.url, `/v1/vaults/${E}/items/${IDS.items.tricky}`)),
    );
    for (const [label, value] of Object.entries(TRICKY_VALUES)) {
      const field = asArray(tricky['fields']).find((f) => f['label'] === label);
      assert.equal(field?.['value'], value, label);
    }

    const byTitle = await request(fake.url, `/v1/vaults/${E}/items/deploy`);
    assert.deepEqual(json(byTitle), { status: 400, message: 'Invalid Item UUID' });
    const unknown = 'unknownitem000000000000000';
    const missing = await request(fake.url, `/v1/vaults/${E}/items/${unknown}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(json(missing), { status: 404, message: `item ${unknown} not found` });
    const otherVault = await request(fake.url, `/v1/vaults/${P}/items/${IDS.items.deploy}`);
    assert.equal(otherVault.status, 404);
  });

  it('gives OTP fields the current code in totp', async () => {
    const from = Date.now();
    const mfa = asObject(json(await request(fake.url, `/v1/vaults/${E}/items/${IDS.items.mfa}`)));
    const to = Date.now();
    const otp = asArray(mfa['fields']).find((field) => field['type'] === 'OTP');
    assert.equal(otp?.['value'], MFA_OTP_URI);
    assert.match(String(otp?.['totp']), /^\d{6}$/);
    assert.ok(totpsBetween(MFA_OTP_URI, from, to).includes(String(otp?.['totp'])));
    const username = asArray(mfa['fields']).find((field) => field['label'] === 'username');
    assert.ok(username !== undefined && !('totp' in username));
  });

  it('serves file metadata, inline content and exact bytes', async () => {
    const itemPath = `/v1/vaults/${E}/items/${IDS.items.certs}`;
    const item = asObject(json(await request(fake.url, itemPath)));
    const files = asArray(item['files']);
    assert.deepEqual(
      files.map((file) => file['name']),
      ['bundle.pem', 'binary.bin', 'bom.txt', 'config.json'],
    );
    const binaryMeta = files.find((file) => file['id'] === IDS.files.binaryBin);
    assert.equal(binaryMeta?.['size'], BINARY_FILE_BYTES.length);
    assert.equal(
      binaryMeta?.['content_path'],
      `/v1/vaults/${E}/items/${IDS.items.certs}/files/${IDS.files.binaryBin}/content`,
    );
    assert.ok(!('content' in (binaryMeta ?? {})));

    const listed = asArray(json(await request(fake.url, `${itemPath}/files`)));
    assert.equal(listed.length, 4);
    assert.ok(listed.every((file) => !('content' in file)));
    const inline = asArray(json(await request(fake.url, `${itemPath}/files?inline_files=true`)));
    const inlineBundle = inline.find((file) => file['name'] === 'bundle.pem');
    assert.equal(Buffer.from(String(inlineBundle?.['content']), 'base64').toString(), BUNDLE_PEM);

    const meta = asObject(json(await request(fake.url, `${itemPath}/files/${IDS.files.bomTxt}`)));
    assert.equal(meta['name'], 'bom.txt');

    const content = await request(fake.url, `${itemPath}/files/${IDS.files.binaryBin}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(new Uint8Array(content.body), BINARY_FILE_BYTES);
    const bom = await request(fake.url, `${itemPath}/files/${IDS.files.bomTxt}/content`);
    assert.deepEqual([...bom.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bom.text, VALUES.bomFile);

    const unknown = 'unknownfile000000000000000';
    const missing = await request(fake.url, `${itemPath}/files/${unknown}/content`);
    assert.deepEqual(json(missing), { status: 404, message: `file ${unknown} not found` });
  });

  it('answers unknown paths with 404 JSON and other methods with 405', async () => {
    const unknown = await request(fake.url, '/v2/whatever');
    assert.equal(unknown.status, 404);
    assert.equal(asObject(json(unknown))['status'], 404);
    const post = await request(fake.url, '/v1/vaults', { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('plays scripted faults in order, then serves normally', async () => {
    fake.reset();
    const path = `/v1/vaults/${E}/items/${IDS.items.deploy}`;
    fake.fault({ path }, [
      { status: 503, headers: { 'Retry-After': '1' } },
      { drop: true },
      { rawBody: '<html>proxy error</html>', contentType: 'text/html' },
      { rawBody: '{"truncated":' },
      { status: 429, body: 'slow down' },
      { delayMs: 50 },
    ]);
    // Another path is unaffected and consumes nothing.
    assert.equal((await request(fake.url, `/v1/vaults/${E}`)).status, 200);

    const first = await request(fake.url, path);
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '1');
    assert.deepEqual(json(first), { status: 503, message: 'Service Unavailable' });
    await assert.rejects(request(fake.url, path), /socket hang up|ECONNRESET/);
    const html = await request(fake.url, path);
    assert.equal(html.status, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.equal(html.text, '<html>proxy error</html>');
    const truncated = await request(fake.url, path);
    assert.equal(truncated.headers['content-type'], 'application/json');
    assert.throws(() => JSON.parse(truncated.text));
    const limited = await request(fake.url, path);
    assert.equal(limited.status, 429);
    assert.equal(limited.text, 'slow down');
    const delayed = await request(fake.url, path);
    assert.equal(delayed.status, 200);
    const normal = await request(fake.url, path);
    assert.equal(normal.status, 200);
    assert.equal(asObject(json(normal))['title'], 'deploy');

    assert.deepEqual(
      fake.requests.map((entry) => entry.status),
      [200, 503, 0, 200, 200, 429, 200, 200],
    );
    const delayedEntry = fake.requests[6];
    assert.ok(delayedEntry !== undefined && delayedEntry.endedAt - delayedEntry.startedAt >= 45);
  });

  it('matches faults by method and RegExp', async () => {
    fake.reset();
    fake.fault({ method: 'get', path: /\/items\?filter=/ }, [{ status: 500 }]);
    fake.fault({ method: 'POST' }, [{ status: 502 }]);
    assert.equal((await request(fake.url, `/v1/vaults/${E}/items`)).status, 200);
    assert.equal(
      (await request(fake.url, `/v1/vaults/${E}/items${q('title eq "x"')}`)).status,
      500,
    );
    assert.equal(
      (await request(fake.url, `/v1/vaults/${E}/items${q('title eq "x"')}`)).status,
      200,
    );
    assert.equal((await request(fake.url, '/v1/vaults', { method: 'POST' })).status, 502);
  });

  it('serves new data after setVaults() and forgets everything on reset()', async () => {
    fake.fault({}, [{ status: 500 }]);
    fake.reset();
    assert.equal(fake.requests.length, 0);
    assert.equal(fake.connections, 0);
    assert.equal(fake.maxConcurrency, 0);
    fake.setVaults([{ id: 'onlyvault0000000000000000v', name: 'Only', items: [] }]);
    const vaults = asArray(json(await request(fake.url, '/v1/vaults')));
    assert.deepEqual(
      vaults.map((vault) => vault['name']),
      ['Only'],
    );
    fake.setVaults(VAULTS);
    assert.equal(asArray(json(await request(fake.url, '/v1/vaults'))).length, 5);
  });
});

describe('fake Connect server: timing, concurrency, connections', { timeout: 30_000 }, () => {
  it('applies latency to every answer', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, latencyMs: 150 });
    try {
      const started = performance.now();
      const response = await request(fake.url, '/v1/vaults');
      assert.equal(response.status, 200);
      assert.ok(performance.now() - started >= 145);
      fake.fault({}, [{ status: 500 }]);
      const faultStarted = performance.now();
      assert.equal((await request(fake.url, '/v1/vaults')).status, 500);
      assert.ok(performance.now() - faultStarted >= 145);
      for (const entry of fake.requests) assert.ok(entry.endedAt - entry.startedAt >= 145);
    } finally {
      await fake.close();
    }
  });

  it('counts parallel requests and keep-alive connections', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
    const wide = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const narrow = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Each held until all six are in, however slowly a busy machine sends them.
      fake.fault(
        { path: '/v1/vaults' },
        Array.from({ length: 6 }, () => ({ holdUntilInFlight: 6 })),
      );
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => request(fake.url, '/v1/vaults', { agent: wide })),
      );
      assert.ok(responses.every((response) => response.status === 200));
      assert.equal(fake.maxConcurrency, 6);
      assert.equal(fake.connections, 6);
      assert.equal(fake.inFlight, 0);

      fake.reset();
      for (let i = 0; i < 3; i += 1) {
        assert.equal((await request(fake.url, '/v1/vaults', { agent: narrow })).status, 200);
      }
      assert.equal(fake.maxConcurrency, 1);
      assert.equal(fake.connections, 1, 'sequential requests reuse one keep-alive connection');
      assert.equal(fake.requests.length, 3);
      const [a, b] = fake.requests;
      assert.ok(a !== undefined && b !== undefined && a.endedAt <= b.startedAt);
    } finally {
      wide.destroy();
      narrow.destroy();
      await fake.close();
    }
  });

  it('holds a hung request until close(), which ends it promptly', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
    fake.fault({ path: '/v1/vaults' }, [{ hang: true }]);
    const hung = request(fake.url, '/v1/vaults', { timeoutMs: 25_000 });
    const outcome = hung.then(
      () => 'answered',
      (error: unknown) => `failed: ${String(error)}`,
    );
    // Polled for up to 10 s: the request may take a while to arrive on a busy machine.
    for (let i = 0; i < 1_000 && fake.inFlight === 0; i += 1) await sleep(10);
    assert.equal(fake.inFlight, 1);
    const raced = await Promise.race([outcome, sleep(300, 'still waiting')]);
    assert.equal(raced, 'still waiting');
    const closeStarted = performance.now();
    await fake.close();
    // Promptly: not waiting for the client's 25 s timeout (a wide margin for a busy machine).
    assert.ok(performance.now() - closeStarted < 10_000);
    assert.match(await outcome, /^failed: .*(socket hang up|ECONNRESET)/);
    assert.equal(fake.requests[0]?.status, 0);
    assert.equal(fake.inFlight, 0);
    await fake.close(); // idempotent
  });

  it('releases a client that gives up on a hung request', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
    try {
      fake.fault({}, [{ hang: true }]);
      await assert.rejects(request(fake.url, '/v1/vaults', { timeoutMs: 200 }), /abort/i);
      for (let i = 0; i < 1_000 && fake.inFlight > 0; i += 1) await sleep(10);
      assert.equal(fake.inFlight, 0);
      assert.equal((await request(fake.url, '/v1/vaults')).status, 200);
    } finally {
      await fake.close();
    }
  });
});

describe('fake Connect server (https)', { timeout: 30_000 }, () => {
  const ca = readFileSync(TLS.ca);
  const otherCa = readFileSync(TLS.otherCa);

  it('serves HTTPS to a client that trusts ca.pem', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: true });
    try {
      assert.match(fake.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const response = await request(fake.url, '/v1/vaults', { ca });
      assert.equal(response.status, 200);
      assert.ok(asArray(json(response)).length > 0);
      await assert.rejects(request(fake.url, '/v1/vaults'), (error: Error & { code?: string }) => {
        assert.match(String(error.code), /SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)/);
        return true;
      });
      await assert.rejects(request(fake.url, '/v1/vaults', { ca: otherCa }));
    } finally {
      await fake.close();
    }
  });

  it('serves a certificate valid for localhost and ::1 too', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: true });
    try {
      const checked: string[] = [];
      const viaName = await new Promise<number>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            servername: 'localhost',
            port: fake.port,
            path: '/heartbeat',
            ca,
            checkServerIdentity: (host, cert) => {
              checked.push(host);
              return checkServerIdentity(host, cert);
            },
            signal: AbortSignal.timeout(5000),
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(viaName, 200);
      assert.deepEqual(checked, ['localhost']);
    } finally {
      await fake.close();
    }
    let v6: FakeConnect | undefined;
    try {
      v6 = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: true, host: '::1' });
    } catch {
      return; // no IPv6 loopback on this machine
    }
    try {
      assert.match(v6.url, /^https:\/\/\[::1\]:\d+$/);
      assert.equal((await request(v6.url, '/heartbeat', { ca })).status, 200);
    } finally {
      await v6.close();
    }
  });

  it('serves the untrusted certificate on request, which ca.pem does not verify', async () => {
    const fake = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: 'untrusted' });
    try {
      await assert.rejects(
        request(fake.url, '/v1/vaults', { ca }),
        (error: Error & { code?: string }) => {
          assert.match(String(error.code), /UNABLE_TO_(GET_ISSUER|VERIFY)|SELF_SIGNED/);
          return true;
        },
      );
      // Sanity: the same certificate is fine for a client trusting the other CA.
      assert.equal((await request(fake.url, '/heartbeat', { ca: otherCa })).status, 200);
    } finally {
      await fake.close();
    }
  });
});
