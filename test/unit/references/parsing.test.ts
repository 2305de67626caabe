/**
 * How a reference is written: the op:// form, titles taken literally, IDs, what is refused. The
 * readings of four or more segments, query options and the default vault have files of their own
 * in this folder; how a parsed reference is resolved is in resolution.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasControlCharacter, isId, looksLikeRef } from '../../../src/refs.ts';
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
