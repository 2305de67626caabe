import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { Code, SecretsError } from '../../src/errors.ts';
import { nameProblem } from '../../src/names.ts';
import {
  buildSpecs,
  discoverEnvRefs,
  parseEnvFile,
  parseSecretsYaml,
} from '../../src/secret-specs.ts';
import {
  anyString,
  bodyOf,
  defaultVault,
  expectedReadings,
  type GeneratedRef,
  generatedRef,
  SEED,
  textOf,
} from '../support/arbitraries.ts';
import { cpuBounded } from '../support/cpu-bounded.ts';
import { modelReserved } from '../support/name-model.ts';

type RawSpec = Parameters<typeof buildSpecs>[0][number];

function raw(name: string, ref: string, source: RawSpec['source'] = 'secrets'): RawSpec {
  return { name, ref, file: false, mask: true, source };
}

describe('parseSecretsYaml: accepted', () => {
  const cases: { why: string; text: string; expected: RawSpec[] }[] = [
    {
      why: 'plain map',
      text: 'DEPLOY_TOKEN: op://Engineering/deploy/token\nDB_PASSWORD: op://Platform/db/staging/password\n',
      expected: [
        raw('DEPLOY_TOKEN', 'op://Engineering/deploy/token'),
        raw('DB_PASSWORD', 'op://Platform/db/staging/password'),
      ],
    },
    {
      why: 'titles with spaces and quotes',
      text: `KEY: "op://Équipe ☃/Clé d'accès (prod)/private key"`,
      expected: [raw('KEY', "op://Équipe ☃/Clé d'accès (prod)/private key")],
    },
    {
      why: 'mapping with ref only',
      text: 'TLS_KEY:\n  ref: op://Platform/tls/private key\n',
      expected: [raw('TLS_KEY', 'op://Platform/tls/private key')],
    },
    {
      why: 'mapping with file and mask',
      text: 'TLS_KEY:\n  ref: op://Platform/tls/private key\n  file: true\n  mask: false\n',
      expected: [
        {
          name: 'TLS_KEY',
          ref: 'op://Platform/tls/private key',
          file: true,
          mask: false,
          source: 'secrets',
        },
      ],
    },
    {
      why: 'flow mapping',
      text: 'USER: {ref: op://V/I/username, mask: false}',
      expected: [
        { name: 'USER', ref: 'op://V/I/username', file: false, mask: false, source: 'secrets' },
      ],
    },
    {
      why: 'mixed plain and mapping, order kept',
      text: 'B: op://V/I/b\nA:\n  ref: op://V/I/a\n  file: false\nC: op://V/I/c\n',
      expected: [raw('B', 'op://V/I/b'), raw('A', 'op://V/I/a'), raw('C', 'op://V/I/c')],
    },
    {
      why: 'a non-op:// string is passed through (buildSpecs judges it)',
      text: 'A: item/field',
      expected: [raw('A', 'item/field')],
    },
    { why: 'empty', text: '', expected: [] },
    { why: 'whitespace', text: '  \n\t\n ', expected: [] },
    { why: 'YAML null ~', text: '~', expected: [] },
    { why: 'YAML null word', text: 'null', expected: [] },
    { why: 'only a comment', text: '# nothing to load\n', expected: [] },
    { why: 'empty flow mapping', text: '{}', expected: [] },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const parsed = parseSecretsYaml(c.text);
      assert.deepEqual(parsed.errors, []);
      assert.deepEqual(parsed.raw, c.expected);
    });
  }
});

describe('parseSecretsYaml: rejected with SECRETS_CONFIG_INVALID', () => {
  const cases: { why: string; text: string; secret?: string }[] = [
    {
      why: 'unknown option key',
      text: 'A:\n  ref: op://V/I/F\n  files: true\n',
      secret: 'A',
    },
    { why: 'unknown option key only', text: 'A: {path: op://V/I/F}', secret: 'A' },
    { why: 'file: "yes" (string)', text: 'A: {ref: op://V/I/F, file: "yes"}', secret: 'A' },
    { why: 'file: yes (YAML 1.1 boolean)', text: 'A: {ref: op://V/I/F, file: yes}', secret: 'A' },
    { why: 'file: 1', text: 'A: {ref: op://V/I/F, file: 1}', secret: 'A' },
    { why: 'mask: "false" (string)', text: 'A: {ref: op://V/I/F, mask: "false"}', secret: 'A' },
    { why: 'mask: off', text: 'A: {ref: op://V/I/F, mask: off}', secret: 'A' },
    { why: 'ref is a number', text: 'A: {ref: 5}', secret: 'A' },
    { why: 'ref is a list', text: 'A: {ref: [op://V/I/F]}', secret: 'A' },
    { why: 'ref missing', text: 'A: {file: true}', secret: 'A' },
    { why: 'value is a number', text: 'A: 5', secret: 'A' },
    { why: 'value is a boolean', text: 'A: true', secret: 'A' },
    { why: 'value is null', text: 'A: ~', secret: 'A' },
    { why: 'value is empty', text: 'A:\nB: op://V/I/F', secret: 'A' },
    { why: 'value is a list', text: 'A:\n  - op://V/I/F\n', secret: 'A' },
    { why: 'list instead of map', text: '- op://V/I/F\n- op://V/I/G\n' },
    { why: 'list of single-key maps', text: '- A: op://V/I/F\n' },
    { why: 'scalar', text: 'op://V/I/F' },
    { why: 'number scalar', text: '42' },
    { why: 'invalid YAML: unclosed flow sequence', text: 'A: [unclosed' },
    { why: 'invalid YAML: unclosed quote', text: 'A: "op://V/I/F' },
    { why: 'invalid YAML: bad indentation', text: 'A: op://V/I/F\n  B: op://V/I/G' },
    { why: 'invalid YAML: tab indentation', text: 'A:\n\tref: op://V/I/F' },
    { why: 'two YAML documents', text: 'A: op://V/I/F\n---\nB: op://V/I/G\n' },
    { why: 'duplicate keys', text: 'A: op://V/I/F\nA: op://V/I/G\n' },
    { why: 'numeric key', text: '123: op://V/I/F' },
    { why: 'float key', text: '1.5: op://V/I/F' },
    { why: 'boolean key', text: 'true: op://V/I/F' },
    { why: 'null key', text: '~: op://V/I/F' },
    { why: 'sequence key', text: '? [x]\n: op://V/I/F' },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const parsed = parseSecretsYaml(c.text);
      assert.ok(parsed.errors.length > 0, 'expected an error');
      for (const error of parsed.errors) {
        assert.ok(error instanceof SecretsError);
        assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
      }
      if (c.secret !== undefined) {
        assert.ok(
          parsed.errors.some((error) => error.secret === c.secret),
          `an error names ${c.secret}`,
        );
        assert.ok(!parsed.raw.some((entry) => entry.name === c.secret), `${c.secret} not kept`);
      }
    });
  }

  it('collects every problem at once, and keeps the good entries', () => {
    const parsed = parseSecretsYaml(
      'A: {ref: op://V/I/F, bogus: 1}\nB: op://V/I/b\nC: 5\n7: op://V/I/F\n',
    );
    assert.deepEqual(
      parsed.raw.map((entry) => entry.name),
      ['B'],
    );
    assert.equal(parsed.errors.length, 3);
  });

  it('bounds an alias bomb (billion laughs): an error, quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 12; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      lines.push(`${name}: &${name} [${new Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const parsed = cpuBounded(() => parseSecretsYaml(lines.join('\n')));
    assert.ok(parsed.errors.length > 0);
    assert.equal(parsed.errors[0]?.code, 'SECRETS_CONFIG_INVALID');
    assert.deepEqual(parsed.raw, []);
  });

  it('bounds an alias bomb inside one secret value', () => {
    const lines = ['x: &a [1,1,1,1,1,1,1,1,1,1]'];
    let previous = 'a';
    for (let level = 0; level < 10; level++) {
      const name = `l${level}`;
      lines.push(`${name}: &${name} [${new Array(10).fill(`*${previous}`).join(',')}]`);
      previous = name;
    }
    lines.push(`A: {ref: *${previous}}`);
    const parsed = cpuBounded(() => parseSecretsYaml(lines.join('\n')));
    assert.ok(parsed.errors.length > 0);
  });
});

describe('discoverEnvRefs', () => {
  it('takes only op:// values, and never INPUT_ or STATE_ variables', () => {
    const found = discoverEnvRefs({
      LEGACY_KEY: 'op://Engineering/legacy/credential',
      PLAIN: 'hello',
      URL: 'https://example.com',
      UPPER: 'OP://V/I/F',
      SPACED: ' op://V/I/F',
      EMPTY: '',
      MISSING: undefined,
      INPUT_SECRETS: 'op://V/I/F',
      'INPUT_CONNECT-TOKEN': 'op://V/I/F',
      input_lower: 'op://V/I/F',
      STATE_X: 'op://V/I/F',
      state_y: 'op://V/I/F',
      OTHER: 'op://V/I/F?attribute=otp',
    });
    assert.deepEqual(found, [
      raw('LEGACY_KEY', 'op://Engineering/legacy/credential', 'env'),
      raw('OTHER', 'op://V/I/F?attribute=otp', 'env'),
    ]);
  });

  it('finds nothing in an empty environment', () => {
    assert.deepEqual(discoverEnvRefs({}), []);
  });
});

describe('parseEnvFile', () => {
  it('parses 100,000 lines in linear time (the duplicate check was quadratic: 19 s)', async () => {
    const lines = Array.from(
      { length: 100_000 },
      (_, index) => `NAME_${index}=op://V/item/f${index}`,
    );
    // Two duplicates at the far end, so the check still has something to find.
    lines.push('NAME_7=op://V/item/again', 'NAME_99999=op://V/item/again');
    const cpu = process.cpuUsage();
    const parsed = await parseEnvFile(lines.join('\n'));
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    assert.deepEqual(parsed.duplicates, ['NAME_7', 'NAME_99999']);
    assert.equal(parsed.raw.length, 99_998);
    // This process's CPU time, which other jobs on a busy machine do not add to: well under a
    // second here, against 19 s when quadratic.
    assert.ok(ms < 5000, `took ${Math.round(ms)} ms of CPU`);
  });

  it('reads dotenv entries: quotes, comments, export, inline comments', async () => {
    const text = [
      '# a comment',
      'A=op://V/I/F',
      'B="op://V/I 2/F"',
      "C='op://V/I/F?attribute=otp'",
      '',
      'PLAIN=hello',
      'export D=op://V/I/G',
      'E=op://V/I/H # inline comment',
      '   # indented comment',
      'F="op://V/I/J" # after quotes',
      'URL=https://example.com',
      'EMPTY=',
      '',
    ].join('\n');
    const parsed = await parseEnvFile(text);
    assert.deepEqual(parsed.raw, [
      raw('A', 'op://V/I/F', 'env-file'),
      raw('B', 'op://V/I 2/F', 'env-file'),
      raw('C', 'op://V/I/F?attribute=otp', 'env-file'),
      raw('D', 'op://V/I/G', 'env-file'),
      raw('E', 'op://V/I/H', 'env-file'),
      raw('F', 'op://V/I/J', 'env-file'),
    ]);
    assert.deepEqual(parsed.skipped.sort(), ['EMPTY', 'PLAIN', 'URL']);
  });

  it('reads multi-line quoted values exactly', async () => {
    const parsed = await parseEnvFile('NOTE="line one\nline two\n"\nREF=op://V/I/F\n');
    assert.deepEqual(parsed.raw, [raw('REF', 'op://V/I/F', 'env-file')]);
    assert.deepEqual(parsed.skipped, ['NOTE']);
  });

  it('keeps a multi-line quoted ref as written (so that it fails as a ref, not silently)', async () => {
    const parsed = await parseEnvFile('X="op://V/I/F\nmore"\n');
    assert.deepEqual(parsed.raw, [raw('X', 'op://V/I/F\nmore', 'env-file')]);
    const built = buildSpecs(parsed.raw);
    assert.equal(built.specs.length, 0);
    assert.equal(built.errors[0]?.code, 'SECRETS_REF_INVALID');
  });

  it('reads CRLF files', async () => {
    const parsed = await parseEnvFile('A=op://V/I/F\r\nB=plain\r\n');
    assert.deepEqual(parsed.raw, [raw('A', 'op://V/I/F', 'env-file')]);
    assert.deepEqual(parsed.skipped, ['B']);
  });

  it('an empty file has nothing', async () => {
    assert.deepEqual(await parseEnvFile(''), { raw: [], skipped: [], duplicates: [] });
  });
});

describe('buildSpecs', () => {
  it('parses every reference and keeps the options', () => {
    const built = buildSpecs([
      { name: 'A', ref: 'op://V/I/F', file: true, mask: false, source: 'secrets' },
      raw('B', 'op://V/a/b/F', 'env'),
      raw('C', 'op://V/I/*', 'env-file'),
    ]);
    assert.deepEqual(built.errors, []);
    assert.equal(built.specs.length, 3);
    const [a, b, c] = built.specs;
    assert.equal(a?.name, 'A');
    assert.equal(a?.file, true);
    assert.equal(a?.mask, false);
    assert.equal(a?.source, 'secrets');
    assert.equal(a?.ref.text, 'op://V/I/F');
    assert.equal(b?.ref.readings.length, 2);
    assert.equal(b?.source, 'env');
    assert.equal(c?.source, 'env-file');
  });

  it('applies the default vault to bare refs of the secrets input', () => {
    const built = buildSpecs([raw('A', 'item/field'), raw('B', 'item/section/field')], 'Default');
    assert.deepEqual(built.errors, []);
    assert.equal(built.specs[0]?.ref.text, 'op://Default/item/field');
    assert.equal(built.specs[1]?.ref.readings.length, 2);
  });

  const duplicates: [RawSpec, RawSpec][] = [
    [raw('TOKEN', 'op://V/I/a', 'secrets'), raw('TOKEN', 'op://V/I/b', 'env')],
    [raw('TOKEN', 'op://V/I/a', 'secrets'), raw('token', 'op://V/I/b', 'env')],
    [raw('Token', 'op://V/I/a', 'env'), raw('TOKEN', 'op://V/I/b', 'env-file')],
    [raw('db_password', 'op://V/I/a', 'secrets'), raw('DB_PASSWORD', 'op://V/I/b', 'env-file')],
    [raw('SAME', 'op://V/I/a', 'env-file'), raw('same', 'op://V/I/a', 'secrets')],
  ];
  for (const [first, second] of duplicates) {
    it(`duplicate ${first.name} (${first.source}) and ${second.name} (${second.source})`, () => {
      const built = buildSpecs([first, second]);
      assert.equal(built.errors.length, 1);
      const [error] = built.errors;
      assert.equal(error?.code, 'SECRETS_CONFIG_INVALID');
      assert.equal(error?.secret, second.name);
      assert.ok(error?.message.includes(first.source), `mentions ${first.source}`);
      assert.ok(error?.message.includes(second.source), `mentions ${second.source}`);
    });
  }

  const badNames = [
    '1A',
    'A-B',
    'GITHUB_ENV',
    'github_x',
    'OP_CONNECT_TOKEN',
    'LD_PRELOAD',
    'Path',
    'NODE_OPTIONS',
    'INPUT_X',
  ];
  for (const name of badNames) {
    it(`refuses the name ${name}`, () => {
      const built = buildSpecs([raw(name, 'op://V/I/F', 'env')]);
      assert.deepEqual(built.specs, []);
      assert.equal(built.errors.length, 1);
      assert.equal(built.errors[0]?.code, 'SECRETS_CONFIG_INVALID');
      assert.equal(built.errors[0]?.secret, name);
    });
  }

  const badRefs = ['op://V//F', 'op://V/I/F?foo=bar', 'op://V/I/F#x', 'op://V/I', 'op://V/I/F/'];
  for (const ref of badRefs) {
    it(`attributes the invalid ref ${ref} to its secret`, () => {
      const built = buildSpecs([raw('GOOD', 'op://V/I/F'), raw('BAD', ref)]);
      assert.deepEqual(
        built.specs.map((spec) => spec.name),
        ['GOOD'],
      );
      assert.equal(built.errors.length, 1);
      const [error] = built.errors;
      assert.equal(error?.code, 'SECRETS_REF_INVALID');
      assert.equal(error?.secret, 'BAD');
      assert.equal(error?.ref, ref);
    });
  }

  const pasted: { value: string; vault?: string }[] = [
    { value: 'hunter2-correct-horse' },
    { value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
    { value: 'http://user:p4ss@example.com/x/y' },
    { value: 'Sup3rS3cret', vault: 'Default' },
    { value: 'Tr0ub4dor/ s3cr3t', vault: 'Default' },
    { value: 'xK9+qWz/abc0def ', vault: 'Default' },
    { value: 'ab+cdef//ghij', vault: 'Default' },
  ];
  for (const { value, vault } of pasted) {
    it(`does not echo a non-op:// ref ${JSON.stringify(value)}${vault ? ' (vault set)' : ''}`, () => {
      const built = buildSpecs([raw('PASTED', value)], vault);
      assert.equal(built.specs.length, 0);
      const [error] = built.errors;
      assert.ok(error);
      assert.equal(error.secret, 'PASTED');
      assert.equal(error.ref, undefined);
    });
    it(`error message leaves out the text of a non-op:// ref ${JSON.stringify(value)}`, () => {
      const built = buildSpecs([raw('PASTED', value)], vault);
      for (const error of built.errors) {
        for (const piece of value.split('/').map((part) => part.trim())) {
          if (piece.length >= 3) {
            assert.ok(
              !error.message.includes(piece),
              `message ${JSON.stringify(error.message)} echoes ${JSON.stringify(piece)}`,
            );
          }
        }
      }
    });
  }

  it('reports every problem at once', () => {
    const built = buildSpecs([
      raw('OK', 'op://V/I/F'),
      raw('1BAD', 'op://V/I/F'),
      raw('ok', 'op://V/I/G', 'env'),
      raw('REF', 'op://V//F'),
    ]);
    assert.deepEqual(
      built.specs.map((spec) => spec.name),
      ['OK'],
    );
    assert.deepEqual(
      built.errors.map((error) => [error.secret, error.code]),
      [
        ['1BAD', 'SECRETS_CONFIG_INVALID'],
        ['ok', 'SECRETS_CONFIG_INVALID'],
        ['REF', 'SECRETS_REF_INVALID'],
      ],
    );
  });
});

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

describe(`parseSecretsYaml + buildSpecs, generated input (seed ${SEED})`, () => {
  const check = (text: string, vault: string | undefined): void => {
    const parsed = timedYaml(() => parseSecretsYaml(text));
    const { specs, errors } = buildSpecs(parsed.raw, vault);
    for (const error of [...parsed.errors, ...errors]) {
      assert.ok(error instanceof SecretsError, String(error));
      assert.ok(CONFIG_CODES.includes(error.code), error.code);
    }
    const keys = specs.map((spec) => spec.name.toUpperCase());
    assert.equal(new Set(keys).size, keys.length, `duplicate names in ${keys.join(',')}`);
    for (const spec of specs) assert.equal(nameProblem(spec.name), undefined, spec.name);
  };

  it('any string: returns, with contract codes, and no duplicate names', () => {
    fc.assert(
      fc.property(anyString, defaultVault, (text, vault) => check(text, vault)),
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
          const input =
            again === name
              ? entries.map(([key, ref]) => raw(key, ref))
              : parseSecretsYaml(stringify(new Map(entries))).raw;
          const { specs, errors } = buildSpecs(input);
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

/** Runs `work`, checking it took under 500 ms of CPU: YAML is heavier than parseRef; inputs are tiny. */
function timedYaml<T>(work: () => T): T {
  const start = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < 500, `took ${ms.toFixed(1)} ms of CPU`);
  return result;
}

describe(`buildSpecs, generated values (seed ${SEED}): never echoed unless written as op://`, () => {
  const hex = (min: number, max: number): fc.Arbitrary<string> =>
    fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));

  const leaks = (error: SecretsError, text: string): boolean =>
    error.message.includes(text) || (error.ref ?? '').includes(text);

  const errorsFor = (value: string): readonly SecretsError[] =>
    buildSpecs([raw('X', value)], 'Vault').errors;

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
