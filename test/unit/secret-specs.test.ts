/**
 * What the `secrets` input gives: its YAML (empty, not a mapping, anchors, keys, names, values,
 * options, size), each entry's name and reference checked by buildSpecs, and errors that never
 * echo a value not written as op://; hand-written, hostile and generated cases side by side.
 * The step's environment, OP_ENV_FILE and the sources merged: test/unit/what-to-load.test.ts;
 * the name rule: test/unit/names.test.ts; hostile references: test/unit/references/parsing.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { Code, SecretsError } from '../../src/errors.ts';
import { nameProblem } from '../../src/names.ts';
import { buildSpecs, parseSecretsYaml } from '../../src/secret-specs.ts';
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
import {
  type ErrorRow,
  expectedOutcome,
  type Outcome,
  outcomeOf,
  raw,
  type RawSpec,
  type SpecRow,
} from '../support/spec-outcome.ts';

const CONFIG = Code.configInvalid;
const REF = Code.refInvalid;

/** The input `text` through parseSecretsYaml and buildSpecs, as rows. */
function fromYaml(text: string, vault?: string): Outcome {
  const parsed = parseSecretsYaml(text);
  return outcomeOf(buildSpecs(parsed.raw, vault), parsed.errors);
}

function fromYamlWithErrors(text: string, vault?: string): SecretsError[] {
  const parsed = parseSecretsYaml(text);
  return [...parsed.errors, ...buildSpecs(parsed.raw, vault).errors];
}

/** A whole input and everything it gives, specs and errors, through buildSpecs. */
interface YamlCase {
  why: string;
  text: string;
  vault?: string;
  specs?: SpecRow[];
  errors?: ErrorRow[];
  limitMs?: number;
}

function runYamlCases(cases: readonly YamlCase[]): void {
  for (const c of cases) {
    it(c.why, () => {
      const outcome = cpuBounded(() => fromYaml(c.text, c.vault), c.limitMs);
      assert.deepEqual(outcome, expectedOutcome(c));
    });
  }
}

/** What parseSecretsYaml alone reads from an input it accepts. */
function runAcceptedCases(cases: readonly { why: string; text: string; expected: RawSpec[] }[]) {
  for (const c of cases) {
    it(c.why, () => {
      const parsed = parseSecretsYaml(c.text);
      assert.deepEqual(parsed.errors, []);
      assert.deepEqual(parsed.raw, c.expected);
    });
  }
}

/** Inputs parseSecretsYaml refuses: every error SECRETS_CONFIG_INVALID, `secret` named if given. */
function runRefusedCases(cases: readonly { why: string; text: string; secret?: string }[]) {
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
}

describe('the secrets input: a name and a ref, or a name and its options', () => {
  runAcceptedCases([
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
  ]);
});

describe('the secrets input: empty gives no specs and no errors', () => {
  runAcceptedCases([
    { why: 'whitespace', text: '  \n\t\n ', expected: [] },
    { why: 'only a comment', text: '# nothing to load\n', expected: [] },
  ]);
  runYamlCases(
    [
      '',
      '   ',
      '\n\n',
      '\t',
      '~',
      'null',
      'Null',
      '{}',
      '---',
      '--- \n...\n',
      '# only a comment',
    ].map((text) => ({ why: JSON.stringify(text), text })),
  );
});

describe('the secrets input: not one YAML mapping', () => {
  runRefusedCases([
    { why: 'list instead of map', text: '- op://V/I/F\n- op://V/I/G\n' },
    { why: 'list of single-key maps', text: '- A: op://V/I/F\n' },
    { why: 'invalid YAML: unclosed flow sequence', text: 'A: [unclosed' },
    { why: 'invalid YAML: bad indentation', text: 'A: op://V/I/F\n  B: op://V/I/G' },
  ]);
  runYamlCases([
    { why: 'a list', text: '[]', errors: [[CONFIG]] },
    { why: 'a list of refs', text: '- op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'a bare ref', text: 'op://V/I/F', errors: [[CONFIG]] },
    { why: 'a number', text: '42', errors: [[CONFIG]] },
    { why: 'dotenv syntax', text: 'A=op://V/I/F', errors: [[CONFIG]] },
    { why: 'two documents', text: 'A: op://V/I/F\n---\nB: op://V/I/G\n', errors: [[CONFIG]] },
    { why: 'tab indentation', text: 'A:\n\tref: op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'unclosed flow mapping', text: 'A: {ref: op://V/I/F', errors: [[CONFIG]] },
    { why: 'unclosed quote', text: 'A: "op://V/I/F', errors: [[CONFIG]] },
  ]);
});

function billionLaughs(levels: number, width: number): string {
  let text = `l0: &l0 [${Array(width).fill('lol').join(', ')}]\n`;
  for (let level = 1; level < levels; level++) {
    text += `l${level}: &l${level} [${Array(width)
      .fill(`*l${level - 1}`)
      .join(', ')}]\n`;
  }
  return text;
}

describe('the secrets input: anchors and aliases', () => {
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

  runYamlCases([
    {
      why: 'billion laughs, 10 levels of 10 aliases: refused quickly',
      text: billionLaughs(10, 10),
      errors: [[CONFIG]],
      limitMs: 1000,
    },
    {
      why: 'billion laughs inside one secret value',
      text: `${billionLaughs(9, 10).replace(/^l8:/m, 'A:')}`,
      errors: [[CONFIG]],
      limitMs: 1000,
    },
    {
      why: 'a small legitimate alias: both secrets get the ref',
      text: 'A: &x op://V/I/F\nB: *x\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/F'],
      ],
    },
    {
      why: 'an aliased options mapping',
      text: 'A: &x {ref: op://V/I/F, file: true}\nB: *x\n',
      specs: [
        ['A', 'op://V/I/F', true],
        ['B', 'op://V/I/F', true],
      ],
    },
    {
      // yaml's maxAliasCount (50) counts every alias use, however small the anchored node.
      why: '51 uses of one small anchor: refused as a resource attack',
      text: `A: &x op://V/I/F\n${Array.from({ length: 51 }, (_, i) => `B${i}: *x`).join('\n')}\n`,
      errors: [[CONFIG]],
    },
    {
      why: 'an alias as a key: names must be plain strings',
      text: 'A: &k B\n*k : op://V/I/F\n',
      errors: [[CONFIG], [REF, 'A']],
    },
    {
      why: 'merge keys are not YAML 1.2: refused as an unknown option',
      text: 'base: &b {ref: op://V/I/F}\nA:\n  <<: *b\n  file: true\n',
      specs: [['base', 'op://V/I/F']],
      errors: [[CONFIG, 'A']],
    },
    {
      why: 'merge keys under an explicit %YAML 1.1 directive work',
      text: '%YAML 1.1\n---\nb: &b {ref: op://V/I/F}\nA: {<<: *b, file: true}\n',
      specs: [
        ['b', 'op://V/I/F'],
        ['A', 'op://V/I/F', true],
      ],
    },
    {
      why: 'an undefined alias',
      text: 'A: *nope\n',
      errors: [[CONFIG]],
    },
  ]);
});

describe('the secrets input: keys', () => {
  runRefusedCases([
    { why: 'numeric key', text: '123: op://V/I/F' },
    { why: 'float key', text: '1.5: op://V/I/F' },
    { why: 'sequence key', text: '? [x]\n: op://V/I/F' },
  ]);
  runYamlCases([
    { why: 'duplicate key', text: 'A: op://V/I/F\nA: op://V/I/G\n', errors: [[CONFIG]] },
    {
      why: 'duplicate key, once quoted',
      text: 'A: op://V/I/F\n"A": op://V/I/G\n',
      errors: [[CONFIG]],
    },
    {
      why: 'duplicate option inside a secret',
      text: 'A: {ref: op://V/I/F, ref: op://V/I/G}\n',
      errors: [[CONFIG]],
    },
    {
      why: 'duplicate key deeper down',
      text: 'A:\n  ref: op://V/I/F\n  file: {x: 1, x: 2}\n',
      errors: [[CONFIG]],
    },
    { why: 'duplicate numeric keys (1 and 1.0)', text: '1: x\n1.0: y\n', errors: [[CONFIG]] },
    {
      why: 'equal collection keys are two keys (refused as names, not as duplicates)',
      text: '? [a]\n: x\n? [a]\n: y\n',
      errors: [[CONFIG], [CONFIG]],
    },
    {
      why: 'case-insensitive duplicate: the first is kept, the second refused',
      text: 'a: op://V/I/F\nA: op://V/I/G\n',
      specs: [['a', 'op://V/I/F']],
      errors: [[CONFIG, 'A']],
    },
    {
      why: 'explicit key syntax',
      text: '? A\n: op://V/I/F\n',
      specs: [['A', 'op://V/I/F']],
    },
    { why: 'number key', text: '1: op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'boolean key', text: 'true: op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'null key', text: '~: op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'list key', text: '[a]: op://V/I/F\n', errors: [[CONFIG]] },
    { why: 'map key', text: '{a: b}: op://V/I/F\n', errors: [[CONFIG]] },
    {
      why: 'a quoted "true" is a string name',
      text: '"true": op://V/I/F\n',
      specs: [['true', 'op://V/I/F']],
    },
    {
      why: 'a string "true" clobbered by a later boolean true key: refused either way',
      text: '"true": op://V/I/F\ntrue: 1\n',
      errors: [[CONFIG, 'true'], [CONFIG]],
    },
  ]);
});

describe('the secrets input: names, as written in YAML', () => {
  const refused = (name: string): YamlCase => ({
    why: `${JSON.stringify(name)} is refused`,
    text: `${JSON.stringify(name)}: op://V/I/F\n`,
    errors: [[CONFIG, name]],
  });
  const accepted = (name: string): YamlCase => ({
    why: `${JSON.stringify(name)} is accepted`,
    text: `${JSON.stringify(name)}: op://V/I/F\n`,
    specs: [[name, 'op://V/I/F']],
  });
  runYamlCases([
    refused('A=B'),
    refused('A\nB'),
    refused('A\tB'),
    refused('A B'),
    refused(' A'),
    refused('A '),
    refused('1A'),
    refused('2024-01-01'),
    refused('A-B'),
    refused('A.B'),
    refused('\u0410PI_KEY'), // Cyrillic А
    refused('\uff21\uff30\uff29'), // fullwidth ＡＰＩ
    refused('A\u200b'), // zero-width space
    refused('\ufeffA'),
    refused('A\u0000'),
    refused(''),
    refused('$A'),
    refused('<<'),
    refused('github_env'),
    refused('GITHUB_OUTPUT'),
    refused('Java_Tool_Options'),
    refused('cor_profiler_path'),
    refused('git_config_key_0'),
    refused('op_connect_token'),
    refused('Runner_Temp'),
    refused('actions_runtime_token'),
    refused('Path'),
    refused('node_options'),
    refused('Ld_Preload'),
    refused('bash_env'),
    refused('INPUT_SECRETS'),
    refused('STATE_x'),
    accepted('__proto__'),
    accepted('constructor'),
    accepted('toString'),
    accepted('hasOwnProperty'),
    accepted('_'),
    accepted('GITHUBTOKEN'),
    accepted('GITHUB_TOKEN'),
    accepted('github_token'),
    accepted('PATH_2'),
    {
      why: '__proto__ with options',
      text: '__proto__: {ref: op://V/I/F, file: true}\n',
      specs: [['__proto__', 'op://V/I/F', true]],
    },
    {
      why: 'unquoted empty key',
      text: ': op://V/I/F\n',
      errors: [[CONFIG]],
    },
  ]);
});

describe('the secrets input: values', () => {
  runRefusedCases([
    { why: 'value is a number', text: 'A: 5', secret: 'A' },
    { why: 'value is empty', text: 'A:\nB: op://V/I/F', secret: 'A' },
    { why: 'value is a list', text: 'A:\n  - op://V/I/F\n', secret: 'A' },
  ]);
  runYamlCases([
    ...['1', '1.5', '-0', '0x10', '.inf', '.nan', 'true', 'false', 'null', '~', '[a]', '[]'].map(
      (value): YamlCase => ({
        why: `value ${value}`,
        text: `A: ${value}\n`,
        errors: [[CONFIG, 'A']],
      }),
    ),
    { why: 'no value', text: 'A:\n', errors: [[CONFIG, 'A']] },
    { why: 'a nested map', text: 'A: {B: {C: op://V/I/F}}\n', errors: [[CONFIG, 'A']] },
    { why: 'a list of refs', text: 'A: [op://V/I/F]\n', errors: [[CONFIG, 'A']] },
    {
      why: 'a date is a plain string in YAML 1.2: not a ref',
      text: 'A: 2024-01-01\n',
      errors: [[REF, 'A']],
    },
    {
      why: 'a date with a default vault: one segment, not a ref',
      text: 'A: 2024-01-01\n',
      vault: 'Vault',
      errors: [[REF, 'A']],
    },
    {
      why: 'a date under %YAML 1.1 is a timestamp',
      text: '%YAML 1.1\n---\nA: 2024-01-01\n',
      errors: [[CONFIG, 'A']],
    },
    { why: '!!binary', text: 'A: !!binary aGVsbG8=\n', errors: [[CONFIG, 'A']] },
    { why: '!!set', text: 'A: !!set {a, b}\n', errors: [[CONFIG, 'A']] },
    {
      why: 'an unknown tag is ignored',
      text: 'A: !x op://V/I/F\n',
      specs: [['A', 'op://V/I/F']],
    },
    { why: '!!str 1', text: 'A: !!str 1\n', errors: [[REF, 'A']] },
    {
      why: 'a quoted ref',
      text: 'A: \'op://V/I/F\'\nB: "op://V/I/G"\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/G'],
      ],
    },
    {
      why: 'a comment after the ref',
      text: 'A: op://V/I/F # the deploy key\n',
      specs: [['A', 'op://V/I/F']],
    },
    { why: 'a # glued to the ref is a fragment', text: 'A: op://V/I/F#x\n', errors: [[REF, 'A']] },
    {
      why: 'spaces around a plain scalar are YAML syntax, inner ones are kept',
      text: 'A:    op://V/a b/c d   \n',
      specs: [['A', 'op://V/a b/c d']],
    },
    {
      why: 'a literal block keeps its newline: refused',
      text: 'A: |\n  op://V/I/F\n',
      errors: [[REF, 'A']],
    },
    {
      why: 'a folded block keeps its newline: refused',
      text: 'A: >\n  op://V/I/F\n',
      errors: [[REF, 'A']],
    },
    {
      why: 'a stripped block scalar',
      text: 'A: >-\n  op://V/I/F\n',
      specs: [['A', 'op://V/I/F']],
    },
    {
      why: 'CRLF line endings',
      text: 'A: op://V/I/F\r\nB: op://V/I/G\r\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/G'],
      ],
    },
    { why: 'a BOM', text: '\ufeffA: op://V/I/F\n', specs: [['A', 'op://V/I/F']] },
    {
      why: 'the same ref twice',
      text: 'A: op://V/I/F\nB: op://V/I/F\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/F'],
      ],
    },
  ]);
});

describe('the secrets input: options', () => {
  runRefusedCases([
    {
      why: 'unknown option key',
      text: 'A:\n  ref: op://V/I/F\n  files: true\n',
      secret: 'A',
    },
    { why: 'unknown option key only', text: 'A: {path: op://V/I/F}', secret: 'A' },
    { why: 'file: "yes" (string)', text: 'A: {ref: op://V/I/F, file: "yes"}', secret: 'A' },
    { why: 'file: yes (YAML 1.1 boolean)', text: 'A: {ref: op://V/I/F, file: yes}', secret: 'A' },
    { why: 'mask: "false" (string)', text: 'A: {ref: op://V/I/F, mask: "false"}', secret: 'A' },
    { why: 'mask: off', text: 'A: {ref: op://V/I/F, mask: off}', secret: 'A' },
    { why: 'ref is a number', text: 'A: {ref: 5}', secret: 'A' },
    { why: 'ref is a list', text: 'A: {ref: [op://V/I/F]}', secret: 'A' },
  ]);
  runYamlCases([
    {
      why: 'file: "true" (a string)',
      text: 'A: {ref: op://V/I/F, file: "true"}\n',
      errors: [[CONFIG, 'A']],
    },
    {
      why: 'mask: yes (a string in YAML 1.2)',
      text: 'A: {ref: op://V/I/F, mask: yes}\n',
      errors: [[CONFIG, 'A']],
    },
    { why: 'mask: ~', text: 'A: {ref: op://V/I/F, mask: ~}\n', errors: [[CONFIG, 'A']] },
    { why: 'file: 1', text: 'A: {ref: op://V/I/F, file: 1}\n', errors: [[CONFIG, 'A']] },
    { why: 'ref: 1', text: 'A: {ref: 1}\n', errors: [[CONFIG, 'A']] },
    { why: 'no ref', text: 'A: {file: true}\n', errors: [[CONFIG, 'A']] },
    { why: 'empty options', text: 'A: {}\n', errors: [[CONFIG, 'A']] },
    {
      why: 'a misspelt option',
      text: 'A: {ref: op://V/I/F, flie: true}\n',
      errors: [[CONFIG, 'A']],
    },
    { why: 'REF in capitals', text: 'A: {REF: op://V/I/F}\n', errors: [[CONFIG, 'A']] },
    {
      why: 'True and FALSE are YAML 1.2 booleans',
      text: 'A: {ref: op://V/I/F, file: True, mask: FALSE}\n',
      specs: [['A', 'op://V/I/F', true, false]],
    },
    {
      why: 'yes/off are booleans under %YAML 1.1',
      text: '%YAML 1.1\n---\nA: {ref: op://V/I/F, file: yes, mask: off}\n',
      specs: [['A', 'op://V/I/F', true, false]],
    },
  ]);
});

describe('the secrets input: every problem is reported at once', () => {
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

  runYamlCases([
    {
      why: 'every error is reported, not just the first',
      text: 'A: 1\nB: {ref: op://V/I/F, mask: yes}\nC: op://V/I/F\nD: op://V/I\n1X: op://V/I/F\n',
      specs: [['C', 'op://V/I/F']],
      errors: [
        [CONFIG, 'A'],
        [CONFIG, 'B'],
        [REF, 'D'],
        [CONFIG, '1X'],
      ],
    },
  ]);
});

describe('the secrets input: size', () => {
  const MB = 1 << 20;
  it('10,000 secrets: all specs, in order, in under 5 s', () => {
    const text = Array.from(
      { length: 10_000 },
      (_, i) => `S_${i}: op://Vault/item ${i}/field`,
    ).join('\n');
    const { specs, errors } = cpuBounded(() => fromYaml(text), 5000);
    assert.deepEqual(errors, []);
    assert.equal(specs.length, 10_000);
    assert.deepEqual(specs[9_999], ['S_9999', 'op://Vault/item 9999/field', false, true]);
  });

  runYamlCases([
    {
      why: 'a 1 MB ref value is accepted as a long field title',
      text: `A: op://V/I/${'x'.repeat(MB)}\n`,
      specs: [['A', `op://V/I/${'x'.repeat(MB)}`]],
    },
    {
      why: 'a 1 MB quoted value with escaped tabs: refused',
      text: `A: "op://V/I/${'\\t'.repeat(MB / 2)}"\n`,
      errors: [[REF, 'A']],
    },
    {
      why: 'a 1 MB value that is not a ref',
      text: `A: ${'x'.repeat(MB)}\n`,
      errors: [[REF, 'A']],
    },
    {
      why: 'a 1 MB !!binary value',
      text: `A: !!binary ${Buffer.alloc(MB / 2, 7).toString('base64')}\n`,
      errors: [[CONFIG, 'A']],
    },
    {
      why: 'a 1 MB key',
      text: `${'K'.repeat(MB)}: op://V/I/F\n`,
      // A plain implicit key is limited to 1024 characters by YAML.
      errors: [[CONFIG]],
    },
    {
      why: '10,000 nested flow sequences',
      text: `A: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      errors: [[CONFIG]],
    },
    {
      why: '10,000 unclosed flow mappings',
      text: `A: ${'{a: '.repeat(10_000)}\n`,
      errors: [[CONFIG]],
    },
  ]);

  it('a 1 MB value that is not a ref is not echoed in the error', () => {
    const value = 'x'.repeat(MB);
    for (const error of fromYamlWithErrors(`A: ${value}\n`, 'Vault')) {
      assert.ok(error.message.length < 500, `message of ${error.message.length} characters`);
      assert.equal(error.ref, undefined);
    }
  });
});

describe(`the secrets input: errors never echo a value not written as op:// (seed ${SEED})`, () => {
  // Each value could be a secret pasted where its reference belongs.
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

  const cases: { value: string; vault?: string; secret: string }[] = [
    { value: 'sup3rs3cr3tvalue', secret: 'sup3rs3cr3tvalue' },
    { value: 'sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    { value: 'sup3rs3cr3t value ', vault: 'Vault', secret: 'sup3rs3cr3t' },
    { value: 'ab/cd#sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    { value: 'ab/cd/ef\tsup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    { value: 'hunter2:sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    // The query of a value without op:// is quoted back in the message today.
    { value: 'hunter2hunter2?sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    { value: '?sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
    { value: 'a/b?attribute=sup3rs3cr3tvalue', vault: 'Vault', secret: 'sup3rs3cr3tvalue' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.value)}${c.vault ? ' with a default vault' : ''}`, () => {
      const { errors } = buildSpecs(
        [{ name: 'X', ref: c.value, file: false, mask: true, source: 'secrets' }],
        c.vault,
      );
      assert.equal(errors.length, 1);
      const [error] = errors as [SecretsError];
      assert.equal(error.code, REF);
      assert.equal(error.secret, 'X');
      assert.equal(error.ref, undefined);
      assert.ok(!error.message.includes(c.secret), error.message);
    });
  }

  it('a ref written with op:// is echoed (it is not a value)', () => {
    const { errors } = buildSpecs(
      [{ name: 'X', ref: 'op://V/I/F?bad', file: false, mask: true, source: 'secrets' }],
      undefined,
    );
    assert.deepEqual(
      errors.map((error) => [error.code, error.ref]),
      [[REF, 'op://V/I/F?bad']],
    );
  });

  const hex = (min: number, max: number): fc.Arbitrary<string> =>
    fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));

  const leaks = (error: SecretsError, text: string): boolean =>
    error.message.includes(text) || (error.ref ?? '').includes(text);

  const errorsFor = (value: string): readonly SecretsError[] =>
    buildSpecs([raw('X', value)], 'Vault').errors;

  it('generated: random hex values', () => {
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

  it('generated: hex chunks joined by reference punctuation: no chunk of 8+ characters is echoed', () => {
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
    const parsed = cpuBounded(() => parseSecretsYaml(text), 500);
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
