/**
 * Property-based tests (fast-check) of the pure parsing modules: refs, secret specs, names
 * and redaction. The seed is fixed so that a failure reproduces; set FC_SEED to explore.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { Code, SecretsError } from '../../src/errors.ts';
import { nameProblem } from '../../src/names.ts';
import { redact } from '../../src/redact.ts';
import { parseRef, type Reading, type Ref } from '../../src/refs.ts';
import { buildSpecs, parseSecretsYaml } from '../../src/secret-specs.ts';

const SEED = Number(process.env['FC_SEED'] ?? 20260517);
fc.configureGlobal({ seed: SEED, numRuns: 500 });

/** Per-call time limit: parsing must be linear, never a hang. */
const CALL_LIMIT_MS = 50;

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** Lone UTF-16 code units, surrogates included. */
const codeUnitString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  maxLength: 40,
});

/** Any string a user, a runner or an attacker could produce. */
const anyString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  codeUnitString,
);

/** Strings built from the pieces a reference is made of, and the ones that break it. */
const refGrammar = fc
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

const defaultVault = fc.option(fc.oneof(fc.constantFrom('', 'Vault', 'a b', ' V'), anyString), {
  nil: undefined,
});

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

interface GeneratedRef {
  vault: string;
  /** Everything between the vault and the field: 1-4 item segments and an optional section. */
  middle: string[];
  /** The field, or undefined for a whole item (`/*`). */
  field: string | undefined;
  query: Query;
}

const generatedRef: fc.Arbitrary<GeneratedRef> = fc
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

function bodyOf(ref: GeneratedRef): string {
  return `${[...ref.middle, ref.field ?? '*'].join('/')}${ref.query.text}`;
}

function textOf(ref: GeneratedRef): string {
  return `op://${ref.vault}/${bodyOf(ref)}`;
}

function expectedReadings(ref: GeneratedRef): Reading[] {
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

/** CPU time of `work` in ms: this process's own, so a busy runner does not make it flaky. */
function cpuTimed<T>(work: () => T): { result: T; ms: number } {
  const start = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(start);
  return { result, ms: (used.user + used.system) / 1000 };
}

function timed<T>(work: () => T, limitMs = CALL_LIMIT_MS): T {
  const start = process.cpuUsage();
  try {
    return work();
  } finally {
    const used = process.cpuUsage(start);
    const elapsed = (used.user + used.system) / 1000;
    assert.ok(elapsed < limitMs, `took ${elapsed.toFixed(1)} ms of CPU, limit ${limitMs} ms`);
  }
}

function assertRefInvalid(thrown: unknown): void {
  assert.ok(thrown instanceof SecretsError, `threw a non-SecretsError: ${String(thrown)}`);
  assert.equal(thrown.code, Code.refInvalid);
}

// ---------------------------------------------------------------------------------------------
// parseRef
// ---------------------------------------------------------------------------------------------

describe(`properties (seed ${SEED}): parseRef never throws anything but SECRETS_REF_INVALID`, () => {
  const check = (raw: string, vault: string | undefined, limitMs = CALL_LIMIT_MS): void => {
    let ref: Ref;
    try {
      ref = timed(() => parseRef(raw, vault), limitMs);
    } catch (thrown) {
      if (thrown instanceof assert.AssertionError) throw thrown;
      assertRefInvalid(thrown);
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

describe(`properties (seed ${SEED}): parseRef round trip`, () => {
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

  it('without op:// and with a default vault, the ref equals op://<vault>/...', () => {
    fc.assert(
      fc.property(
        generatedRef.filter(
          // A first segment shaped like a scheme (`db:prod`) is read as one and refused: see
          // references/parsing.test.ts. That is the one documented exception.
          (generated) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(bodyOf(generated)),
        ),
        (generated) => {
          const body = bodyOf(generated);
          assert.deepEqual(parseRef(body, generated.vault), parseRef(textOf(generated)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a whole item takes no query option', () => {
    fc.assert(
      fc.property(
        generatedRef,
        fc.constantFrom('?attribute=otp', '?attribute=totp', '?ssh-format=openssh'),
        (generated, option) => {
          const text = `op://${generated.vault}/${generated.middle.join('/')}/*${option}`;
          assert.throws(() => parseRef(text), { code: Code.refInvalid });
        },
      ),
      { numRuns: 300 },
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

// ---------------------------------------------------------------------------------------------
// names
// ---------------------------------------------------------------------------------------------

/** Independent model of the name rule. SPEC.md, Secrecy, lists these and ends with "...". */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPEC_PREFIXES = ['GITHUB_', 'RUNNER_', 'ACTIONS_'];
const SPEC_NAMES = ['NODE_OPTIONS', 'LD_PRELOAD', 'BASH_ENV', 'PATH'];
/**
 * The "..." of SPEC.md as the README and the implementation spell it out. Kept here so that
 * the model is exact: refusing a new name, or accepting one of these, must be a deliberate change.
 */
const EXTRA_PREFIXES = ['INPUT_', 'STATE_', 'LD_', 'DYLD_'];
const EXTRA_NAMES = [
  'CI',
  'PATHEXT',
  'HOME',
  'SHELL',
  'ENV',
  'BASHOPTS',
  'SHELLOPTS',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'TMPDIR',
  'TEMP',
  'TMP',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_USE_ENV_PROXY',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5OPT',
  'PERL5LIB',
  'RUBYOPT',
  'JAVA_TOOL_OPTIONS',
  'COMSPEC',
  'SYSTEMROOT',
  'OP_MANAGED_VARIABLES',
];

function modelReserved(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    [...SPEC_NAMES, ...EXTRA_NAMES].includes(upper) ||
    [...SPEC_PREFIXES, ...EXTRA_PREFIXES].some((prefix) => upper.startsWith(prefix))
  );
}

function modelAccepts(name: string): boolean {
  return NAME_PATTERN.test(name) && !modelReserved(name);
}

const nameLike = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/),
  fc.mixedCase(fc.constantFrom(...SPEC_NAMES, ...EXTRA_NAMES, 'PATH2', 'MYPATH', 'CIX', 'HOMES')),
  fc
    .tuple(
      fc.mixedCase(fc.constantFrom(...SPEC_PREFIXES, ...EXTRA_PREFIXES, 'GITHUB', 'OP_', 'LD')),
      fc.stringMatching(/^[A-Za-z0-9_]{0,8}$/),
    )
    .map(([prefix, rest]) => prefix + rest),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'true', 'null', '_', '1A', 'A-B', 'A=B'),
);

describe(`properties (seed ${SEED}): nameProblem`, () => {
  it('is undefined exactly when the name matches the pattern and is not reserved', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, nameLike), (name) => {
        assert.equal(nameProblem(name) === undefined, modelAccepts(name), JSON.stringify(name));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses SPEC.md's reserved names and prefixes in any case", () => {
    const reserved = fc.oneof(
      fc.mixedCase(fc.constantFrom(...SPEC_NAMES)),
      fc
        .tuple(
          fc.mixedCase(fc.constantFrom(...SPEC_PREFIXES)),
          fc.stringMatching(/^[A-Za-z0-9_]{0,12}$/),
        )
        .map(([prefix, rest]) => prefix + rest),
    );
    fc.assert(
      fc.property(reserved, (name) => {
        assert.notEqual(nameProblem(name), undefined, name);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts generated names that are not reserved', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/).filter((name) => !modelReserved(name)),
        (name) => {
          assert.equal(nameProblem(name), undefined, name);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// secrets YAML
// ---------------------------------------------------------------------------------------------

const yamlGrammar = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'A',
          'a',
          'B_2',
          '__proto__',
          'GITHUB_X',
          'path',
          ': ',
          ':',
          ' ',
          '  ',
          '\n',
          '\n  ',
          '- ',
          '? ',
          '"',
          "'",
          '{',
          '}',
          '[',
          ']',
          ', ',
        ),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'op://V/I/F',
          'op://V/a/b/F',
          'I/F',
          'ref: ',
          'file: true',
          'mask: false',
          'mask: yes',
          'file: "true"',
          'x: 1',
          '~',
          'null',
          'true',
          '1',
          '2024-01-01',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '&x ',
          '*x',
          '&y ',
          '*y',
          '!!binary ',
          '!!str ',
          '!!set ',
          '!x ',
          '%YAML 1.1\n',
          '---\n',
          '...\n',
          '# c',
          '|\n  ',
          '>-\n  ',
          '<<: ',
          '\t',
          '\r\n',
          '\ufeff',
          '\u0000',
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

const CONFIG_CODES: readonly string[] = [Code.configInvalid, Code.refInvalid];

describe(`properties (seed ${SEED}): parseSecretsYaml + buildSpecs`, () => {
  const check = (text: string, vault: string | undefined): void => {
    const { raw, errors: parseErrors } = timedYaml(() => parseSecretsYaml(text));
    const { specs, errors } = buildSpecs(raw, vault);
    for (const error of [...parseErrors, ...errors]) {
      assert.ok(error instanceof SecretsError, String(error));
      assert.ok(CONFIG_CODES.includes(error.code), error.code);
    }
    const keys = specs.map((spec) => spec.name.toUpperCase());
    assert.equal(new Set(keys).size, keys.length, `duplicate names in ${keys.join(',')}`);
    for (const spec of specs) assert.equal(nameProblem(spec.name), undefined, spec.name);
  };

  it('any string: returns, with contract codes, and no duplicate names', () => {
    fc.assert(
      fc.property(anyString, defaultVault, (raw, vault) => check(raw, vault)),
      { numRuns: 1000 },
    );
  });

  it('YAML-shaped strings: returns, with contract codes, and no duplicate names', () => {
    fc.assert(fc.property(yamlGrammar, fc.constantFrom(undefined, 'Vault'), check), {
      numRuns: 2000,
    });
  });

  interface Entry {
    name: string;
    generated: GeneratedRef;
    /** Written without op:// (read in the default vault `Vault`). */
    short: boolean;
    form: 'string' | { file?: boolean; mask?: boolean };
  }

  const secretName = fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'true',
        'True',
        'NULL',
        'null',
        'y',
        'n',
        'Yes',
        'on',
        'No',
        '_',
        'e1',
        'E_1',
        'inf',
        'NaN',
      ),
    },
  );

  const entry: fc.Arbitrary<Entry> = fc.record({
    name: secretName.filter((name) => !modelReserved(name)),
    generated: generatedRef,
    short: fc.boolean(),
    form: fc.oneof(
      fc.constant<'string'>('string'),
      fc.record({ file: fc.boolean(), mask: fc.boolean() }, { requiredKeys: [] }),
    ),
  });

  it('a name given again in another case is refused, the first one kept', () => {
    fc.assert(
      fc.property(
        fc
          .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/)
          .filter((name) => !modelReserved(name) && name.toUpperCase() !== 'OTHER_1'),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        generatedRef,
        (name, flips, generated) => {
          const again = [...name]
            .map((char, index) => (flips[index] ? char.toUpperCase() : char.toLowerCase()))
            .join('');
          const text = textOf(generated);
          const entries: [string, string][] = [
            [name, text],
            ['OTHER_1', text],
            [again, text],
          ];
          // Exactly equal keys are YAML's duplicate; a case variant must pass YAML and be caught later.
          const raw =
            again === name
              ? entries.map(([key, ref]) => ({
                  name: key,
                  ref,
                  file: false,
                  mask: true,
                  source: 'secrets' as const,
                }))
              : parseSecretsYaml(stringify(new Map(entries))).raw;
          const { specs, errors } = buildSpecs(raw);
          assert.deepEqual(
            specs.map((spec) => spec.name),
            [name, 'OTHER_1'],
          );
          assert.deepEqual(
            errors.map((error) => [error.code, error.secret]),
            [[Code.configInvalid, again]],
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('generated valid mappings give exactly their entries, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, {
          minLength: 1,
          maxLength: 8,
          selector: (item) => item.name.toUpperCase(),
        }),
        (entries) => {
          const mapping = new Map<string, unknown>();
          const expected = entries.map((item) => {
            const short = item.short && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(bodyOf(item.generated));
            const written = short ? bodyOf(item.generated) : textOf(item.generated);
            const vault = short ? 'Vault' : item.generated.vault;
            mapping.set(
              item.name,
              item.form === 'string' ? written : { ...item.form, ref: written },
            );
            return {
              name: item.name,
              ref: {
                text: `op://${vault}/${bodyOf(item.generated)}`,
                vault,
                readings: expectedReadings(item.generated),
                option: item.generated.query.option,
              },
              file: item.form === 'string' ? false : (item.form.file ?? false),
              mask: item.form === 'string' ? true : (item.form.mask ?? true),
              source: 'secrets',
            };
          });
          const text = stringify(mapping);
          const parsed = parseSecretsYaml(text);
          assert.deepEqual(parsed.errors, [], text);
          const built = buildSpecs(parsed.raw, 'Vault');
          assert.deepEqual(built.errors, [], text);
          assert.deepEqual(built.specs, expected, text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

function timedYaml<T>(work: () => T): T {
  const { result, ms } = cpuTimed(work);
  // YAML parsing is heavier than parseRef; generated inputs are tiny.
  assert.ok(ms < 500, `took ${ms.toFixed(1)} ms of CPU`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// redact
// ---------------------------------------------------------------------------------------------

const base64url = (min: number, max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));

const token = fc.oneof(
  base64url(8, 120).map((rest) => `ops_${rest}`),
  fc
    .tuple(base64url(0, 60), base64url(1, 200), base64url(0, 90))
    .map(([header, payload, signature]) => `eyJ${header}.${payload}.${signature}`),
);

describe(`properties (seed ${SEED}): redact`, () => {
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

// ---------------------------------------------------------------------------------------------
// error messages never echo what may be a pasted value
// ---------------------------------------------------------------------------------------------

describe(`properties (seed ${SEED}): errors never echo a value that is not written as op://`, () => {
  const hex = (min: number, max: number): fc.Arbitrary<string> =>
    fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));

  const leaks = (error: SecretsError, text: string): boolean =>
    error.message.includes(text) || (error.ref ?? '').includes(text);

  const errorsFor = (value: string): readonly SecretsError[] =>
    buildSpecs([{ name: 'X', ref: value, file: false, mask: true, source: 'secrets' }], 'Vault')
      .errors;

  it('random hex values', () => {
    fc.assert(
      fc.property(hex(8, 200), (value) => {
        const errors = errorsFor(value);
        assert.equal(errors.length, 1);
        for (const error of errors) {
          assert.equal(error.secret, 'X');
          assert.ok(!leaks(error, value), error.message);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('hex chunks joined by reference punctuation: no chunk of 8+ characters is echoed', () => {
    const separator = fc.constantFrom('/', '?', '#', ' ', '\t', '\n', '=', '&', '.', ':', '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(separator, hex(8, 40)), { minLength: 1, maxLength: 5 }),
        fc.option(separator, { nil: undefined }),
        (chunks, trailing) => {
          const value = chunks.map(([sep, chunk]) => sep + chunk).join('') + (trailing ?? '');
          if (value.startsWith('op://')) return;
          const errors = errorsFor(value);
          for (const error of errors) {
            assert.ok(!leaks(error, value), `${JSON.stringify(value)} -> ${error.message}`);
            for (const [, chunk] of chunks) {
              assert.ok(
                !leaks(error, chunk),
                `${JSON.stringify(value)} -> message echoes ${chunk}: ${error.message}`,
              );
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
