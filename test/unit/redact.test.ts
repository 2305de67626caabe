import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_CREDENTIAL_BYTES, redact, registerCredential } from '../../src/redact.ts';
import { anyString, refGrammar, SEED } from '../support/arbitraries.ts';
import { cpuBounded } from '../support/cpu-bounded.ts';

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
    { why: 'the scheme twice', text: 'bearer Bearer s3cr3t-t0ken', secret: 's3cr3t-t0ken' },
    {
      why: 'the scheme three times, odd spacing',
      text: 'Bearer  BEARER\tbearer \n s3cr3t-t0ken',
      secret: 's3cr3t-t0ken',
    },
    { why: 'a tab', text: 'Authorization: Bearer\ts3cr3t-t0ken', secret: 's3cr3t-t0ken' },
    { why: 'a line break', text: 'Bearer\r\n  s3cr3t-t0ken', secret: 's3cr3t-t0ken' },
    { why: 'a no-break space', text: 'Bearer\u00a0s3cr3t-t0ken', secret: 's3cr3t-t0ken' },
    { why: 'the scheme twice, a JWT', text: `bearer Bearer ${JWT}`, secret: JWT },
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

describe('redact: encoded and partial credentials', () => {
  // A Connect-like token with characters that base64 and URL encoding change (`+`, `/`, `=`,
  // space), and an ops_ token whose body is base64url JSON holding the account's keys.
  const CONNECT = 'cOnNeCt+t0ken/with spaces=and&more-chars_0123456789-abcdefghij';
  const ACCOUNT = {
    signInAddress: 'unit.1password.com',
    email: 'unitbot@1passwordserviceaccounts.com',
    srpX: '0f1e2d3c4b5a69788796a5b4c3d2e1f0unitsrpx00000000000000000000000000',
    muk: { alg: 'A256GCM', k: 'dW5pdC10ZXN0LW11ay1rZXktbWF0ZXJpYWwtMDAwMDA', kty: 'oct' },
    secretKey: 'A3-UNITTE-STK000-00000-00000-00000-00000',
  };
  const BODY = Buffer.from(JSON.stringify(ACCOUNT)).toString('base64url');
  const SERVICE = `ops_${BODY}`;
  const base64 = (value: string) => Buffer.from(value).toString('base64');

  const forms = (token: string): [string, string][] => [
    ['plain', token],
    ['base64', base64(token)],
    ['base64 unpadded', base64(token).replace(/=+$/, '')],
    ['base64url', Buffer.from(token).toString('base64url')],
    ['URL-encoded', encodeURIComponent(token)],
    [
      'URL-encoded, lower-case escapes',
      encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    ],
    ['form-encoded', new URLSearchParams({ t: token }).toString().slice(2)],
    ['first 60%', token.slice(0, Math.ceil(token.length * 0.6))],
    ['last 16 characters', token.slice(-16)],
    ['16 characters from the middle', token.slice(20, 36)],
  ];
  /** Inside a longer base64 text, at another byte alignment: what encodes the prefix stays. */
  const embedded = (token: string): [string, string, number][] => [
    ['base64 of "Bearer <token>"', base64(`Bearer ${token}`), 'Bearer '.length],
    ['base64 of "user:<token>" (basic auth)', base64(`x-access-token:${token}`), 15],
  ];
  function assertEmbeddedHidden(token: string): void {
    for (const [why, form, prefix] of embedded(token)) {
      const out = redact(`401: token "${form}" rejected`);
      // The prefix's own base64, plus the group it shares with the token, at most.
      const shown = Math.ceil(prefix / 3) * 4 + 4;
      assert.match(
        out,
        new RegExp(`^401: token "[A-Za-z0-9+/]{0,${shown}}\\*\\*\\*" rejected$`),
        why,
      );
    }
  }

  // Before any registration, these forms pass through: the test would fail without the fix.
  it('the forms are not token-shaped: without registration they are shown', () => {
    const text = `server said ${base64(CONNECT)} and ${CONNECT.slice(0, 40)}`;
    assert.equal(redact(text), text);
  });

  describe('a Connect token', () => {
    before(() => registerCredential(CONNECT));
    it('inside longer base64 (Bearer, basic auth)', () => assertEmbeddedHidden(CONNECT));
    for (const [why, form] of forms(CONNECT)) {
      it(why, () => {
        const out = redact(`401: token "${form}" rejected`);
        assert.equal(out, '401: token "***" rejected');
      });
    }
  });

  describe('a service-account token', () => {
    before(() => registerCredential(SERVICE));
    it('inside longer base64 (Bearer, basic auth)', () => assertEmbeddedHidden(SERVICE));
    const cases: [string, string][] = [
      ...forms(SERVICE),
      ['body without ops_', BODY],
      ['first 60% of the body', BODY.slice(0, Math.ceil(BODY.length * 0.6))],
      ['base64 of the body', base64(BODY)],
      ['the decoded secret key', ACCOUNT.secretKey],
      ['the decoded srpX', ACCOUNT.srpX],
      ['the decoded muk key', ACCOUNT.muk.k],
    ];
    for (const [why, form] of cases) {
      it(why, () => {
        const out = redact(`error: "${form}" could not be used`);
        assert.ok(!out.includes(form), `${why}: ${out}`);
        assert.equal(out, 'error: "***" could not be used');
      });
    }

    it('the decoded JSON: the secret fields go, the rest stays', () => {
      const out = redact(`account ${JSON.stringify(ACCOUNT)}`);
      for (const secret of [ACCOUNT.secretKey, ACCOUNT.srpX, ACCOUNT.muk.k]) {
        assert.ok(!out.includes(secret), out);
      }
      assert.ok(out.includes('"signInAddress":"unit.1password.com"'), out);
    });
  });

  it('every form, several times in one message', () => {
    const text = forms(CONNECT)
      .map(([, form]) => form)
      .join(' | ');
    const out = redact(`${text} // ${BODY}${BODY}`);
    assert.equal(
      out,
      `${forms(CONNECT)
        .map(() => '***')
        .join(' | ')} // ***`,
    );
  });

  it('leaves text that shares fewer than 16 characters with a credential', () => {
    registerCredential(CONNECT);
    const texts = [
      `token ${CONNECT.slice(0, 15)} is not the token`,
      `tail ${CONNECT.slice(-15)} and head ${CONNECT.slice(0, 15)} apart`,
      `${base64(CONNECT).slice(0, 15)}, ${BODY.slice(10, 25)}`,
      `${ACCOUNT.secretKey.slice(0, 15)}`,
      'item "db" not found in vault "Platform": HTTP 404 after 1 attempt',
      // Common base64 of `{"` JSON openings is not a credential by itself.
      'eyJzaWduSW5BZGR',
    ];
    for (const text of texts) assert.equal(redact(text), text);
  });

  it('a long message is handled in one pass', () => {
    const filler = 'x'.repeat(200_000);
    const out = cpuBounded(() => redact(`${filler}${CONNECT.slice(5, 30)}${filler}`));
    assert.equal(out, `${filler}***${filler}`);
  });
});

describe('redact: the largest credentials', () => {
  /** A random credential of `bytes` characters after `prefix`. */
  const sized = (prefix: string, bytes: number) =>
    `${prefix}${randomBytes(bytes).toString('base64url')}`.slice(0, bytes);
  const LARGEST = [
    sized('ops_', MAX_CREDENTIAL_BYTES),
    sized('eyJ', MAX_CREDENTIAL_BYTES),
    sized('ops_', MAX_CREDENTIAL_BYTES),
    sized('eyJ', MAX_CREDENTIAL_BYTES),
    sized('', MAX_CREDENTIAL_BYTES),
    sized('', MAX_CREDENTIAL_BYTES),
  ];

  it('registering every credential a step can hold, each 64 KiB, is cheap', () => {
    cpuBounded(() => {
      for (const credential of LARGEST) registerCredential(credential);
    });
    for (const credential of LARGEST) {
      const run = credential.slice(40_000, 40_016);
      assert.equal(redact(`said: ${run}.`), 'said: ***.');
      const base64 = Buffer.from(credential).toString('base64').slice(30_000, 30_016);
      assert.equal(redact(`said: ${base64}.`), 'said: ***.');
    }
  });

  it('refuses a credential over 64 KiB: its callers refuse it first', () => {
    assert.throws(() => registerCredential(sized('ops_', MAX_CREDENTIAL_BYTES + 1)), /over 64 KiB/);
  });
});

const base64url = (min: number, max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));

const token = fc.oneof(
  base64url(8, 120).map((rest) => `ops_${rest}`),
  fc
    .tuple(base64url(0, 60), base64url(1, 200), base64url(0, 90))
    .map(([header, payload, signature]) => `eyJ${header}.${payload}.${signature}`),
);

describe(`redact, generated text (seed ${SEED})`, () => {
  it('removes every service-account token and JWT, whatever surrounds it', () => {
    fc.assert(
      fc.property(anyString, token, (around, secret) => {
        assert.ok(!redact(around + secret + around).includes(secret));
      }),
      { numRuns: 2000 },
    );
  });

  it('removes tokens glued to text from the reference grammar', () => {
    fc.assert(
      fc.property(refGrammar, token, refGrammar, (before, secret, after) => {
        assert.ok(!redact(before + secret + after).includes(secret));
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyString,
          fc.tuple(anyString, token, anyString).map((parts) => parts.join('')),
          fc.constantFrom('Bearer ', 'Bearer\t', 'bearer x', 'ops_', 'eyJ', '***'),
        ),
        (text) => {
          const once = redact(text);
          assert.equal(redact(once), once);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
