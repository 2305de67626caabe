/**
 * How a reference is written: the op:// form, titles taken literally (hostile ones too), IDs, what
 * is refused, in bounded time. The readings of four or more segments, query options and the
 * default vault have files of their own in this folder; how a parsed reference is resolved is in
 * resolution.test.ts; generated references (fast-check) are in test/unit/properties.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../src/errors.ts';
import { hasControlCharacter, isId, looksLikeRef, parseRef, type Ref } from '../../../src/refs.ts';
import { type Accepted, itAccepts, itRejects, type Rejected } from '../../support/references.ts';

describe('parseRef: accepted references', () => {
  const cases: Accepted[] = [
    {
      raw: 'op://Engineering/deploy/token',
      vault: 'Engineering',
      readings: [{ item: 'deploy', field: 'token' }],
    },
    {
      raw: 'op://Engineering/services/loom/deploy/token',
      vault: 'Engineering',
      readings: [{ item: 'services/loom/deploy', field: 'token' }],
    },
    {
      raw: 'op://V/item/*',
      vault: 'V',
      readings: [{ item: 'item', wholeItem: true }],
    },
    {
      raw: "op://Équipe ☃/Clé d'accès (prod)/token",
      vault: 'Équipe ☃',
      readings: [{ item: "Clé d'accès (prod)", field: 'token' }],
    },
    {
      raw: 'op://My Vault/my item, [v2] & co!/private key',
      vault: 'My Vault',
      readings: [{ item: 'my item, [v2] & co!', field: 'private key' }],
    },
    {
      raw: 'op://日本語/項目/フィールド',
      vault: '日本語',
      readings: [{ item: '項目', field: 'フィールド' }],
    },
    {
      raw: 'op://abcdefghijklmnopqrstuvwxyz/0123456789abcdefghijklmnop/password',
      vault: 'abcdefghijklmnopqrstuvwxyz',
      readings: [{ item: '0123456789abcdefghijklmnop', field: 'password' }],
    },
  ];

  itAccepts(cases);
});

describe('parseRef: rejected references are SECRETS_REF_INVALID', () => {
  const cases: Rejected[] = [
    { why: 'empty', raw: '' },
    { why: 'scheme only', raw: 'op://' },
    { why: 'vault only', raw: 'op://V' },
    { why: 'vault and trailing slash', raw: 'op://V/' },
    { why: 'no field', raw: 'op://V/item' },
    { why: 'empty item segment', raw: 'op://V//F' },
    { why: 'empty vault segment', raw: 'op:///I/F' },
    { why: 'trailing slash (empty field)', raw: 'op://V/I/F/' },
    { why: 'trailing slash after item', raw: 'op://V/I/' },
    { why: 'empty segment in item path', raw: 'op://V/a//b/F' },
    { why: 'leading whitespace in item', raw: 'op://V/ item/F' },
    { why: 'trailing whitespace in item', raw: 'op://V/item /F' },
    { why: 'trailing whitespace in vault', raw: 'op://V /item/F' },
    { why: 'leading whitespace in field', raw: 'op://V/item/ F' },
    { why: 'trailing whitespace in field', raw: 'op://V/item/F ' },
    { why: 'trailing tab in field', raw: 'op://V/item/F\t' },
    { why: 'trailing newline', raw: 'op://V/item/F\n' },
    { why: 'whitespace-only segment', raw: 'op://V/ /F' },
    { why: 'control character (SOH) inside a segment', raw: 'op://V/it\u0001em/F' },
    { why: 'tab inside a segment', raw: 'op://V/it\tem/F' },
    { why: 'newline inside a segment', raw: 'op://V/it\nem/F' },
    { why: 'DEL inside a segment', raw: 'op://V/it\u007fem/F' },
    { why: 'NUL inside a segment', raw: 'op://V/item/F\u0000x' },
    { why: 'http scheme', raw: 'http://V/I/F' },
    { why: 'https scheme', raw: 'https://example.com/V/I/F' },
    { why: 'upper-case scheme', raw: 'OP://V/I/F' },
    { why: 'op: without slashes', raw: 'op:V/I/F' },
    { why: 'op:/ with one slash', raw: 'op:/V/I/F' },
    { why: 'fragment', raw: 'op://V/I/F#x' },
    { why: 'empty fragment', raw: 'op://V/I/F#' },
    { why: 'fragment after a query', raw: 'op://V/I/F?attribute=otp#x' },
    { why: 'fragment in an item title', raw: 'op://V/I#1/F' },
    { why: 'leading space before op://', raw: ' op://V/I/F' },
  ];

  itRejects(cases);
});

describe('isId', () => {
  const cases: [string, boolean][] = [
    ['abcdefghijklmnopqrstuvwxyz', true],
    ['0123456789abcdefghijklmnop', true],
    ['3fdnhzqxltxg2cxjzdnslfxjyq', true],
    ['abcdefghijklmnopqrstuvwxy', false], // 25
    ['abcdefghijklmnopqrstuvwxyz0', false], // 27
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', false],
    ['abcdefghijklmnopqrstuvwxy-', false],
    ['abcdefghijklmnopqrstuvwxy ', false],
    ['Engineering', false],
    ['', false],
  ];
  for (const [segment, expected] of cases) {
    it(`${JSON.stringify(segment)} -> ${expected}`, () => assert.equal(isId(segment), expected));
  }
});

describe('looksLikeRef', () => {
  const cases: [string, boolean][] = [
    ['op://V/I/F', true],
    ['op://', true],
    ['OP://V/I/F', false],
    [' op://V/I/F', false],
    ['hunter2', false],
    ['', false],
    ['https://example.com', false],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} -> ${expected}`, () =>
      assert.equal(looksLikeRef(value), expected));
  }
});

describe('hasControlCharacter', () => {
  const cases: [string, boolean][] = [
    ['plain text', false],
    ['Clé ☃', false],
    ['a\nb', true],
    ['a\tb', true],
    ['a\u0000b', true],
    ['a\u007fb', true],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} -> ${expected}`, () =>
      assert.equal(hasControlCharacter(value), expected));
  }
});

/**
 * Runs `work` and checks the CPU time it took (this process's user + system time, so that
 * other jobs on a busy runner do not make it flaky; a hang or a blow-up still fails).
 */
function within<T>(limitMs: number, work: () => T): T {
  const start = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(start);
  const elapsed = (used.user + used.system) / 1000;
  assert.ok(elapsed < limitMs, `took ${elapsed.toFixed(0)} ms of CPU, limit ${limitMs} ms`);
  return result;
}

interface RefCase {
  raw: string;
  vault?: string;
  /** The expected ref, or undefined for SECRETS_REF_INVALID. */
  ok?: Ref;
}

function one(
  text: string,
  vault: string,
  item: string,
  field: string,
  option?: Ref['option'],
): Ref {
  return { text, vault, readings: [{ item, field }], option };
}

describe('parseRef: hostile and odd references (titles taken literally, bounded time)', () => {
  const cases: RefCase[] = [
    // segments that look like paths or encodings are titles, taken literally
    { raw: 'op://V/../F', ok: one('op://V/../F', 'V', '..', 'F') },
    { raw: 'op://../I/F', ok: one('op://../I/F', '..', 'I', 'F') },
    { raw: 'op://V/I/..', ok: one('op://V/I/..', 'V', 'I', '..') },
    { raw: 'op://V/a%2Fb/F', ok: one('op://V/a%2Fb/F', 'V', 'a%2Fb', 'F') },
    {
      raw: 'op://V/I/F%3Fattribute%3Dotp',
      ok: one('op://V/I/F%3Fattribute%3Dotp', 'V', 'I', 'F%3Fattribute%3Dotp'),
    },
    // query options
    {
      raw: 'op://V/I/F?attribute=otp',
      ok: one('op://V/I/F?attribute=otp', 'V', 'I', 'F', { kind: 'otp' }),
    },
    {
      raw: 'op://V/I/F?attribute=totp',
      ok: one('op://V/I/F?attribute=totp', 'V', 'I', 'F', { kind: 'otp' }),
    },
    {
      raw: 'op://V/I/F?ssh-format=openssh',
      ok: one('op://V/I/F?ssh-format=openssh', 'V', 'I', 'F', { kind: 'openssh' }),
    },
    { raw: 'op://V/I/F?attribute=otpx' },
    { raw: 'op://V/I/F?attribute=' },
    { raw: 'op://V/I/F?attribute' },
    { raw: 'op://V/I/F?attribute=OTP' },
    { raw: 'op://V/I/F?Attribute=otp' },
    { raw: 'op://V/I/F?attribute=otp&ssh-format=openssh' },
    { raw: 'op://V/I/F?attribute=otp&attribute=otp' },
    { raw: 'op://V/I/F?attribute=otp?attribute=otp' },
    { raw: 'op://V/I/F?ssh-format=pem' },
    { raw: 'op://V/I/F?' },
    { raw: 'op://V/I/F?attribute=otp ' },
    { raw: 'op://V/I/*?attribute=otp' },
    { raw: 'op://V/I?x/F' },
    { raw: 'op://V/I/F#x' },
    { raw: 'op://V/I/F#' },
    // schemes
    { raw: 'http://V/I/F' },
    { raw: 'https://V/I/F', vault: 'Vault' },
    { raw: 'OP://V/I/F' },
    { raw: 'OP://V/I/F', vault: 'Vault' },
    { raw: 'op:/V/I/F' },
    { raw: 'op:V/I/F', vault: 'Vault' },
    { raw: 'op//V/I/F', vault: 'Vault' },
    { raw: 'op:///I/F' },
    { raw: 'C:/I/F', vault: 'Vault' },
    // a first segment shaped like a scheme is read as one, even with a default vault
    { raw: 'db:prod/password', vault: 'Vault' },
    {
      raw: 'op://Vault/db:prod/password',
      ok: one('op://Vault/db:prod/password', 'Vault', 'db:prod', 'password'),
    },
    {
      raw: '1db:prod/password',
      vault: 'Vault',
      ok: one('op://Vault/1db:prod/password', 'Vault', '1db:prod', 'password'),
    },
    // shape
    { raw: 'op://V/I/F/' },
    { raw: 'op://V/I//F' },
    { raw: 'op:///V/I/F' },
    { raw: 'op://V/I' },
    { raw: 'op://V' },
    { raw: 'op://' },
    { raw: '' },
    { raw: 'op://V/I/F ' },
    { raw: ' op://V/I/F' },
    { raw: 'op://V/I /F' },
    { raw: 'op://V/ I/F' },
    { raw: 'op://V /I/F' },
    { raw: 'op://V/I x/F', ok: one('op://V/I x/F', 'V', 'I x', 'F') },
    { raw: 'op://V/I\tx/F' },
    { raw: 'op://V/I\nx/F' },
    { raw: 'op://V/I\rx/F' },
    { raw: 'op://V/I/F\n' },
    { raw: 'op://V/I\u0000/F' },
    { raw: 'op://V/I\u007f/F' },
    // unicode whitespace: trim() removes NBSP, BOM, U+2028, ideographic space; not ZWSP
    { raw: '\u00a0op://V/I/F' },
    { raw: 'op://V/I/F\u00a0' },
    { raw: 'op://V/I\u00a0/F' },
    { raw: 'op://V/\u00a0I/F' },
    { raw: 'op://V/I/F\ufeff' },
    { raw: 'op://V/I\u2028/F' },
    { raw: 'op://V/I\u3000/F' },
    { raw: 'op://V/I\u00a0x/F', ok: one('op://V/I\u00a0x/F', 'V', 'I\u00a0x', 'F') },
    { raw: 'op://V/I/F\u200b', ok: one('op://V/I/F\u200b', 'V', 'I', 'F\u200b') },
    { raw: 'op://V/\u200bI/F', ok: one('op://V/\u200bI/F', 'V', '\u200bI', 'F') },
    // readings
    {
      raw: 'op://V/a/b/F',
      ok: {
        text: 'op://V/a/b/F',
        vault: 'V',
        readings: [
          { item: 'a/b', field: 'F' },
          { item: 'a', section: 'b', field: 'F' },
        ],
        option: undefined,
      },
    },
    { raw: 'op://V/a/b/c/F', ok: one('op://V/a/b/c/F', 'V', 'a/b/c', 'F') },
    {
      raw: 'op://V/a/b/*',
      ok: {
        text: 'op://V/a/b/*',
        vault: 'V',
        readings: [{ item: 'a/b', wholeItem: true }],
        option: undefined,
      },
    },
    { raw: 'op://V/*/F', ok: one('op://V/*/F', 'V', '*', 'F') },
    { raw: 'op://V/I/**', ok: one('op://V/I/**', 'V', 'I', '**') },
    // without op://
    { raw: 'I/F' },
    { raw: 'I/F', vault: '' },
    { raw: 'I/F', vault: 'Vault', ok: one('op://Vault/I/F', 'Vault', 'I', 'F') },
    {
      raw: 'I/S/F',
      vault: 'Vault',
      ok: {
        text: 'op://Vault/I/S/F',
        vault: 'Vault',
        readings: [
          { item: 'I/S', field: 'F' },
          { item: 'I', section: 'S', field: 'F' },
        ],
        option: undefined,
      },
    },
    { raw: 'F', vault: 'Vault' },
    { raw: '/I/F', vault: 'Vault' },
    { raw: 'I/F/', vault: 'Vault' },
    { raw: 'I/F', vault: ' Vault' },
    {
      raw: 'op://Other/I/F',
      vault: 'Vault',
      ok: one('op://Other/I/F', 'Other', 'I', 'F'),
    },
    {
      raw: 'I/F?attribute=otp',
      vault: 'Vault',
      ok: one('op://Vault/I/F?attribute=otp', 'Vault', 'I', 'F', { kind: 'otp' }),
    },
  ];

  for (const c of cases) {
    const label = `${JSON.stringify(c.raw)}${c.vault === undefined ? '' : ` (vault ${JSON.stringify(c.vault)})`}`;
    it(`${label} -> ${c.ok ? 'accepted' : 'SECRETS_REF_INVALID'}`, () => {
      if (c.ok) {
        assert.deepEqual(parseRef(c.raw, c.vault), c.ok);
      } else {
        assert.throws(() => parseRef(c.raw, c.vault), {
          name: 'SecretsError',
          code: Code.refInvalid,
        });
      }
    });
  }

  it('a 1 MB ref is accepted in bounded time', () => {
    const raw = `op://V/I/${'x'.repeat(1 << 20)}`;
    assert.equal(within(500, () => parseRef(raw)).text, raw);
  });

  it('a ref of 500,000 segments is accepted in bounded time', () => {
    const raw = `op://${'a/'.repeat(500_000)}f`;
    const ref = within(1000, () => parseRef(raw));
    assert.equal(ref.readings.length, 1);
  });

  it('a 1 MB query, 1 MB of whitespace, 1 MB of empty segments: refused in bounded time', () => {
    for (const raw of [
      `op://V/I/F?${'a'.repeat(1 << 20)}`,
      `op://V/I/F${' '.repeat(1 << 20)}`,
      `op://V/I/${'\u00a0'.repeat(1 << 20)}F`,
      `op://V/I/${'/'.repeat(1 << 20)}F`,
      `op://V/I/F${'#'.repeat(1 << 20)}`,
    ]) {
      within(500, () => assert.throws(() => parseRef(raw), { code: Code.refInvalid }));
    }
  });
});
