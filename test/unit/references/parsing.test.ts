import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretsError } from '../../../src/errors.ts';
import {
  hasControlCharacter,
  isId,
  looksLikeRef,
  parseRef,
  type Reading,
  type RefOption,
} from '../../../src/refs.ts';

function refInvalid(raw: string, defaultVault?: string): void {
  assert.throws(
    () => parseRef(raw, defaultVault),
    (thrown: unknown) => {
      assert.ok(
        thrown instanceof SecretsError,
        `expected a SecretsError for ${JSON.stringify(raw)}`,
      );
      assert.equal(thrown.code, 'SECRETS_REF_INVALID');
      return true;
    },
    `${JSON.stringify(raw)} must be rejected`,
  );
}

describe('parseRef: accepted references', () => {
  const cases: {
    raw: string;
    vault: string;
    readings: Reading[];
    option?: RefOption;
    defaultVault?: string;
    text?: string;
  }[] = [
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
      raw: 'op://V/a/b/F',
      vault: 'V',
      readings: [
        { item: 'a/b', field: 'F' },
        { item: 'a', section: 'b', field: 'F' },
      ],
    },
    {
      raw: 'op://Platform/db/staging/password',
      vault: 'Platform',
      readings: [
        { item: 'db/staging', field: 'password' },
        { item: 'db', section: 'staging', field: 'password' },
      ],
    },
    {
      raw: 'op://V/a/b/c/F',
      vault: 'V',
      readings: [{ item: 'a/b/c', field: 'F' }],
    },
    {
      raw: 'op://V/a/b/c/d/e/F',
      vault: 'V',
      readings: [{ item: 'a/b/c/d/e', field: 'F' }],
    },
    {
      raw: 'op://V/item/*',
      vault: 'V',
      readings: [{ item: 'item', wholeItem: true }],
    },
    {
      raw: 'op://V/a/b/*',
      vault: 'V',
      readings: [{ item: 'a/b', wholeItem: true }],
    },
    {
      raw: 'op://V/a/b/c/*',
      vault: 'V',
      readings: [{ item: 'a/b/c', wholeItem: true }],
    },
    {
      raw: 'op://V/I/F?attribute=otp',
      vault: 'V',
      readings: [{ item: 'I', field: 'F' }],
      option: { kind: 'otp' },
    },
    {
      raw: 'op://V/I/F?attribute=totp',
      vault: 'V',
      readings: [{ item: 'I', field: 'F' }],
      option: { kind: 'otp' },
    },
    {
      raw: 'op://V/I/key?ssh-format=openssh',
      vault: 'V',
      readings: [{ item: 'I', field: 'key' }],
      option: { kind: 'openssh' },
    },
    {
      raw: 'op://V/a/b/otp?attribute=otp',
      vault: 'V',
      readings: [
        { item: 'a/b', field: 'otp' },
        { item: 'a', section: 'b', field: 'otp' },
      ],
      option: { kind: 'otp' },
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
    // Without op://, in the vault input's vault.
    {
      raw: 'item/field',
      defaultVault: 'Default',
      vault: 'Default',
      readings: [{ item: 'item', field: 'field' }],
      text: 'op://Default/item/field',
    },
    {
      raw: 'item/section/field',
      defaultVault: 'Default',
      vault: 'Default',
      readings: [
        { item: 'item/section', field: 'field' },
        { item: 'item', section: 'section', field: 'field' },
      ],
      text: 'op://Default/item/section/field',
    },
    {
      raw: 'a/b/c/field',
      defaultVault: 'Default',
      vault: 'Default',
      readings: [{ item: 'a/b/c', field: 'field' }],
      text: 'op://Default/a/b/c/field',
    },
    {
      raw: 'item/field?attribute=otp',
      defaultVault: 'Default',
      vault: 'Default',
      readings: [{ item: 'item', field: 'field' }],
      option: { kind: 'otp' },
      text: 'op://Default/item/field?attribute=otp',
    },
    {
      raw: 'item/*',
      defaultVault: 'Default',
      vault: 'Default',
      readings: [{ item: 'item', wholeItem: true }],
      text: 'op://Default/item/*',
    },
    // A default vault does not change a full reference.
    {
      raw: 'op://Other/item/field',
      defaultVault: 'Default',
      vault: 'Other',
      readings: [{ item: 'item', field: 'field' }],
    },
  ];

  for (const c of cases) {
    it(`${c.raw}${c.defaultVault === undefined ? '' : ` (vault ${c.defaultVault})`}`, () => {
      const ref = parseRef(c.raw, c.defaultVault);
      assert.equal(ref.vault, c.vault);
      assert.deepEqual(ref.readings, c.readings);
      assert.deepEqual(ref.option, c.option);
      assert.equal(ref.text, c.text ?? c.raw);
    });
  }

  it('gives the same canonical text for a bare ref and its full form', () => {
    assert.equal(parseRef('item/field', 'V').text, parseRef('op://V/item/field').text);
    assert.equal(
      parseRef('item/section/field', 'V').text,
      parseRef('op://V/item/section/field').text,
    );
  });
});

describe('parseRef: rejected references are SECRETS_REF_INVALID', () => {
  const cases: { why: string; raw: string; defaultVault?: string }[] = [
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
    { why: 'other scheme even with a default vault', raw: 'vault://V/I/F', defaultVault: 'D' },
    { why: 'fragment', raw: 'op://V/I/F#x' },
    { why: 'empty fragment', raw: 'op://V/I/F#' },
    { why: 'fragment after a query', raw: 'op://V/I/F?attribute=otp#x' },
    { why: 'fragment in an item title', raw: 'op://V/I#1/F' },
    { why: 'empty query', raw: 'op://V/I/F?' },
    { why: 'two options with &', raw: 'op://V/I/F?attribute=otp&ssh-format=openssh' },
    { why: 'same option twice', raw: 'op://V/I/F?attribute=otp&attribute=otp' },
    { why: 'unknown attribute', raw: 'op://V/I/F?attribute=password' },
    { why: 'attribute type', raw: 'op://V/I/F?attribute=type' },
    { why: 'upper-case attribute value', raw: 'op://V/I/F?attribute=OTP' },
    { why: 'attribute without value', raw: 'op://V/I/F?attribute' },
    { why: 'attribute with empty value', raw: 'op://V/I/F?attribute=' },
    { why: 'other ssh-format', raw: 'op://V/I/F?ssh-format=pkcs8' },
    { why: 'unknown option', raw: 'op://V/I/F?foo=bar' },
    { why: 'option with trailing &', raw: 'op://V/I/F?attribute=otp&' },
    { why: 'two question marks', raw: 'op://V/I/F??attribute=otp' },
    { why: 'a ? in a title', raw: 'op://V/what?/F' },
    { why: 'query on a whole item', raw: 'op://V/I/*?attribute=otp' },
    { why: 'ssh-format on a whole item', raw: 'op://V/a/b/*?ssh-format=openssh' },
    { why: 'bare ref without a vault input', raw: 'item/field' },
    { why: 'bare ref with an empty vault input', raw: 'item/field', defaultVault: '' },
    { why: 'bare three-part ref without a vault input', raw: 'item/section/field' },
    { why: 'bare single segment with a vault input', raw: 'field', defaultVault: 'V' },
    { why: 'bare ref with an empty segment', raw: 'item//field', defaultVault: 'V' },
    { why: 'bare ref with a trailing slash', raw: 'item/field/', defaultVault: 'V' },
    { why: 'bare ref with a leading slash', raw: '/item/field', defaultVault: 'V' },
    { why: 'bare ref with whitespace in a segment', raw: 'item /field', defaultVault: 'V' },
    { why: 'bare ref with a fragment', raw: 'item/field#x', defaultVault: 'V' },
    { why: 'leading space before op://', raw: ' op://V/I/F' },
  ];

  for (const c of cases) {
    it(`${c.why}: ${JSON.stringify(c.raw)}`, () => refInvalid(c.raw, c.defaultVault));
  }
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
