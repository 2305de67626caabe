/**
 * fast-check generators shared by the unit tests: any string, the reference grammar and
 * generated references with the parts they are made of. Importing this module fixes fast-check's
 * seed, so a failure reproduces; set FC_SEED to explore other runs.
 */
import fc from 'fast-check';
import type { Reading, Ref } from '../../src/refs.ts';

export const SEED = Number(process.env['FC_SEED'] ?? 20260517);
fc.configureGlobal({ seed: SEED, numRuns: 500 });

/** Lone UTF-16 code units, surrogates included. */
const codeUnitString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  maxLength: 40,
});

/** Any string a user, a runner or an attacker could produce. */
export const anyString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  codeUnitString,
);

/** Strings built from the pieces a reference is made of, and the ones that break it. */
export const refGrammar = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('op://', '/', '?', '#', '=', '&', '*', '..', '%2F') },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'V',
          'item',
          'field',
          'a b',
          'attribute',
          'otp',
          'totp',
          'ssh-format',
          'openssh',
          'OP://',
          'op:',
          'http://',
          ':',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u00a0', '\u200b'),
      },
      { weight: 1, arbitrary: fc.constantFrom('\ufeff', '\u2028', '\ud800', 'é', '☃', '𝔘') },
      { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

/** A vault input: none, a usual one, or any string. */
export const defaultVault = fc.option(
  fc.oneof(fc.constantFrom('', 'Vault', 'a b', ' V'), anyString),
  {
    nil: undefined,
  },
);

/** A character allowed in a title: anything but `/`, `?`, `#` and C0 controls. */
const titleChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 '.split('')) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...'!"$%&\'()*+,-.:;<=>@[\\]^_`{|}~'.split('')),
  },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 0x80, max: 0x10ffff })
      .filter((point) => point < 0xd800 || point > 0xdfff)
      .map((point) => String.fromCodePoint(point)),
  },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '☃', '日本', '\u00a0', '\u200b', '\u2028') },
);

/** A title segment: no leading or trailing whitespace, never empty. */
const segment = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .array(titleChar, { minLength: 1, maxLength: 10 })
      .map((chars) => chars.join(''))
      .filter((text) => text.length > 0 && text.trim() === text),
  },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2F', 'a%2Fb', '*x', 'x*') },
);
const fieldSegment = segment.filter((text) => text !== '*');

type Query = { text: string; option: Ref['option'] };
const query = fc.constantFrom<Query>(
  { text: '', option: undefined },
  { text: '', option: undefined },
  { text: '?attribute=otp', option: { kind: 'otp' } },
  { text: '?attribute=totp', option: { kind: 'otp' } },
  { text: '?ssh-format=openssh', option: { kind: 'openssh' } },
);

export interface GeneratedRef {
  vault: string;
  /** Everything between the vault and the field: 1-4 item segments and an optional section. */
  middle: string[];
  /** The field, or undefined for a whole item (`/*`). */
  field: string | undefined;
  query: Query;
}

export const generatedRef: fc.Arbitrary<GeneratedRef> = fc
  .record({
    vault: segment,
    // Mostly the common `vault/item/field` and `vault/item/section/field` shapes.
    items: fc.oneof(
      { weight: 3, arbitrary: segment.map((one) => [one]) },
      { weight: 2, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }) },
    ),
    section: fc.option(segment, { nil: undefined, freq: 2 }),
    field: fc.option(fieldSegment, { nil: undefined, freq: 6 }),
    query,
  })
  .map(({ vault, items, section, field, query: q }) => ({
    vault,
    middle: section === undefined ? items : [...items, section],
    field,
    query: field === undefined ? { text: '', option: undefined } : q,
  }));

export function bodyOf(ref: GeneratedRef): string {
  return `${[...ref.middle, ref.field ?? '*'].join('/')}${ref.query.text}`;
}

export function textOf(ref: GeneratedRef): string {
  return `op://${ref.vault}/${bodyOf(ref)}`;
}

export function expectedReadings(ref: GeneratedRef): Reading[] {
  const item = ref.middle.join('/');
  if (ref.field === undefined) return [{ item, wholeItem: true }];
  const readings: Reading[] = [{ item, field: ref.field }];
  if (ref.middle.length === 2) {
    readings.push({
      item: ref.middle[0] as string,
      section: ref.middle[1] as string,
      field: ref.field,
    });
  }
  return readings;
}
