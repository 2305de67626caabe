/**
 * How a reference is written: the op:// form, titles taken literally (hostile ones too), IDs, what
 * is refused, in bounded time. The readings of four or more segments, query options and the
 * default vault have files of their own in this folder; how a parsed reference is resolved is in
 * resolution.test.ts. Besides the tables, fast-check feeds it any string and generated
 * references (test/support/arbitraries.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Code, SecretsError } from '../../../src/errors.ts';
import { hasControlCharacter, isId, looksLikeRef, parseRef, type Ref } from '../../../src/refs.ts';
import {
  anyString,
  defaultVault,
  expectedReadings,
  generatedRef,
  refGrammar,
  SEED,
  textOf,
} from '../../support/arbitraries.ts';
import { cpuBounded } from '../../support/cpu-bounded.ts';
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
    assert.equal(cpuBounded(() => parseRef(raw), 500).text, raw);
  });

  it('a ref of 500,000 segments is accepted in bounded time', () => {
    const raw = `op://${'a/'.repeat(500_000)}f`;
    const ref = cpuBounded(() => parseRef(raw), 1000);
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
      cpuBounded(() => assert.throws(() => parseRef(raw), { code: Code.refInvalid }), 500);
    }
  });
});

describe(`parseRef, any string (seed ${SEED}): throws nothing but SECRETS_REF_INVALID`, () => {
  // limitMs: the CPU time one call may take (parsing is linear, never a hang).
  const check = (raw: string, vault: string | undefined, limitMs = 50): void => {
    let ref: Ref;
    try {
      ref = cpuBounded(() => parseRef(raw, vault), limitMs);
    } catch (thrown) {
      if (thrown instanceof assert.AssertionError) throw thrown;
      assert.ok(thrown instanceof SecretsError, `threw a non-SecretsError: ${String(thrown)}`);
      assert.equal(thrown.code, Code.refInvalid);
      return;
    }
    // Whatever it accepts is canonical and reparses to itself.
    assert.ok(ref.text.startsWith('op://'));
    assert.ok(ref.readings.length === 1 || ref.readings.length === 2);
    if (raw.startsWith('op://')) {
      assert.equal(ref.text, raw);
    } else {
      // Without op:// only a default vault makes a reference, and it is prefixed verbatim.
      assert.ok(vault !== undefined && vault !== '', 'accepted without op:// or a vault');
      assert.equal(ref.text, `op://${vault}/${raw}`);
    }
    // No part holds a separator, a control character or surrounding whitespace.
    const parts = ref.readings.flatMap((reading) =>
      'wholeItem' in reading
        ? reading.item.split('/')
        : [...reading.item.split('/'), reading.section ?? 'x', reading.field],
    );
    for (const part of [ref.vault, ...parts]) {
      if (part === vault) continue; // the default vault is the caller's, checked by inputs.ts
      assert.ok(part.length > 0 && part.trim() === part, JSON.stringify(part));
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      assert.ok(!/[/?#\u0000-\u001f\u007f]/.test(part), JSON.stringify(part));
    }
    if (vault === undefined || !/[/?#]/.test(vault)) {
      assert.deepEqual(parseRef(ref.text), ref);
    }
  };

  it('any string, no default vault', () => {
    fc.assert(
      fc.property(anyString, (raw) => check(raw, undefined)),
      { numRuns: 2000 },
    );
  });

  it('any string, any default vault', () => {
    fc.assert(
      fc.property(anyString, defaultVault, (raw, vault) => check(raw, vault)),
      { numRuns: 1500 },
    );
  });

  it('strings from the reference grammar, with and without a default vault', () => {
    fc.assert(
      fc.property(refGrammar, defaultVault, (raw, vault) => check(raw, vault)),
      { numRuns: 2000 },
    );
  });

  it('long inputs stay linear', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('op://', 'op://V/I/', '', 'V/', '?', '/'),
        fc.constantFrom('a', '/', 'a/', ' ', '?', '%2F', '..', '\u00a0'),
        fc.integer({ min: 1000, max: 20000 }),
        // Up to 20,000 characters: linear is well under a millisecond, quadratic is seconds.
        (prefix, unit, count) => check(prefix + unit.repeat(count), 'Vault', 200),
      ),
      { numRuns: 200 },
    );
  });
});

describe(`parseRef, generated references (seed ${SEED}): exactly their parts, or refused`, () => {
  it('valid refs parse to exactly their parts, canonically', () => {
    fc.assert(
      fc.property(generatedRef, (generated) => {
        const text = textOf(generated);
        const ref = parseRef(text);
        assert.deepEqual(ref, {
          text,
          vault: generated.vault,
          readings: expectedReadings(generated),
          option: generated.query.option,
        });
        const fourSegments = generated.field !== undefined && generated.middle.length === 2;
        assert.equal(ref.readings.length, fourSegments ? 2 : 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('parsing is idempotent', () => {
    fc.assert(
      fc.property(generatedRef, (generated) => {
        const ref = parseRef(textOf(generated));
        assert.deepEqual(parseRef(ref.text), ref);
        assert.equal(parseRef(ref.text).text, ref.text);
      }),
      { numRuns: 1000 },
    );
  });

  it('any other scheme, or a mangled op://, is refused with or without a default vault', () => {
    const scheme = fc.constantFrom(
      'OP://',
      'Op://',
      'oP://',
      'op:/',
      'op:',
      'op:///',
      'op//',
      'http://',
      'https://',
      'file://',
      'ops://',
      'op+x://',
      ' op://',
      '\u00a0op://',
      '/op://',
      '//',
    );
    fc.assert(
      fc.property(
        generatedRef,
        scheme,
        fc.constantFrom(undefined, 'Vault'),
        (generated, prefix, vault) => {
          assert.throws(() => parseRef(prefix + textOf(generated).slice('op://'.length), vault), {
            code: Code.refInvalid,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a bad segment anywhere is refused', () => {
    const bad = fc.constantFrom(
      '',
      ' x',
      'x ',
      '\tx',
      'x\u00a0',
      '\ufeffx',
      'a\u0000b',
      'a\nb',
      'a\u007fb',
      'a?b',
      '?',
      'a#b',
      '#',
    );
    fc.assert(
      fc.property(generatedRef, bad, fc.nat(), (generated, badSegment, at) => {
        const parts = [generated.vault, ...generated.middle, generated.field ?? '*'];
        parts[at % parts.length] = badSegment;
        assert.throws(() => parseRef(`op://${parts.join('/')}${generated.query.text}`), {
          code: Code.refInvalid,
        });
      }),
      { numRuns: 500 },
    );
  });
});
