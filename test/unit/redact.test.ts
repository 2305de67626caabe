import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact, registerCredential } from '../../src/redact.ts';

const JWT =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb25uZWN0IiwiaWF0IjoxNjAwMDAwMDAwfQ.MEUCIQDx-abc_123';
const SA_TOKEN =
  'ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSIsInVzZXJBdXRoIjp7Im1ldGhvZCI6IlNSUGctNDA5NiJ9fQ==';

describe('redact: token shapes', () => {
  const cases: { why: string; text: string; secret: string }[] = [
    { why: 'service-account token', text: `token ${SA_TOKEN} rejected`, secret: SA_TOKEN },
    { why: 'short ops_ token', text: 'bad token ops_abc123', secret: 'ops_abc123' },
    { why: 'ops_ token in JSON', text: `{"token":"${SA_TOKEN}"}`, secret: SA_TOKEN },
    { why: 'ops_ token after =', text: `OP_SERVICE_ACCOUNT_TOKEN=${SA_TOKEN}`, secret: SA_TOKEN },
    { why: 'JWT', text: `invalid token ${JWT}.`, secret: JWT },
    { why: 'JWT in quotes', text: `"${JWT}"`, secret: JWT },
    {
      why: 'Bearer header',
      text: 'Authorization: Bearer abc.DEF-ghi_123',
      secret: 'abc.DEF-ghi_123',
    },
    {
      why: 'lower-case bearer',
      text: 'authorization: bearer s3cr3t-t0ken',
      secret: 's3cr3t-t0ken',
    },
    { why: 'Bearer JWT', text: `Authorization: Bearer ${JWT}`, secret: JWT },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const out = redact(c.text);
      assert.ok(!out.includes(c.secret), `${JSON.stringify(out)} still holds the token`);
      assert.ok(out.includes('***'));
    });
  }

  it('removes the JWT parts individually too', () => {
    const out = redact(`token ${JWT}`);
    for (const part of JWT.split('.')) {
      if (part.length > 8) assert.ok(!out.includes(part), part);
    }
  });

  it('removes every occurrence', () => {
    const out = redact(`${SA_TOKEN} and again ${SA_TOKEN}; ${JWT} ${JWT}`);
    assert.ok(!out.includes('ops_'));
    assert.ok(!out.includes('eyJ'));
  });

  it('leaves ordinary text alone', () => {
    const texts = [
      'item "db" not found in vault "Platform"',
      'HTTP 503 after 5 attempts',
      'connect ECONNREFUSED 127.0.0.1:8080',
      '',
    ];
    for (const text of texts) assert.equal(redact(text), text);
  });
});

describe('redact: registered credentials', () => {
  it('removes a registered credential whatever its shape', () => {
    const credential = 'pl41n-c0nnect t0ken!';
    assert.ok(redact(`failed with ${credential} here`).includes(credential));
    registerCredential(credential);
    const out = redact(`failed with ${credential} here, ${credential}`);
    assert.ok(!out.includes(credential));
    assert.equal(out, 'failed with *** here, ***');
  });

  it('removes a registered credential with regex metacharacters', () => {
    const credential = 'a.b*c+d?(e)[f]{g}|h^$\\';
    registerCredential(credential);
    assert.equal(redact(`x${credential}y`), 'x***y');
  });

  it('ignores an empty credential', () => {
    registerCredential('');
    assert.equal(redact('abc'), 'abc');
  });
});
