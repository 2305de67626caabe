/**
 * A hand-written corpus of hostile and odd inputs, each with its expected outcome, checked
 * through the public parsing functions: the secrets YAML, step env and OP_ENV_FILE. Hostile
 * references are in test/unit/references/parsing.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, type ErrorCode, type SecretsError } from '../../src/errors.ts';
import type { Inputs } from '../../src/inputs.ts';
import { readSpecs } from '../../src/work.ts';
import { MemoryRunner } from '../support/memory-runner.ts';
import {
  buildSpecs,
  discoverEnvRefs,
  type ParsedSpecs,
  parseEnvFile,
  parseSecretsYaml,
} from '../../src/secret-specs.ts';
import { inputsWith } from '../support/inputs.ts';

const CONFIG = Code.configInvalid;
const REF = Code.refInvalid;

/** A spec as compared here: name, canonical ref text, file, mask. */
type SpecRow = [name: string, ref: string, file?: boolean, mask?: boolean];
/** An error as compared here: code and the secret it belongs to (undefined: the whole input). */
type ErrorRow = [code: ErrorCode, secret?: string | undefined];

interface Outcome {
  specs: SpecRow[];
  errors: ErrorRow[];
}

function rows(parsed: ParsedSpecs, extraErrors: readonly SecretsError[] = []): Outcome {
  return {
    specs: parsed.specs.map((spec) => [spec.name, spec.ref.text, spec.file, spec.mask]),
    errors: [...extraErrors, ...parsed.errors].map((error) => [error.code, error.secret]),
  };
}

function normalize(expected: { specs?: SpecRow[]; errors?: ErrorRow[] }): Outcome {
  return {
    specs: (expected.specs ?? []).map(([name, ref, file = false, mask = true]) => [
      name,
      ref,
      file,
      mask,
    ]),
    errors: (expected.errors ?? []).map(([code, secret]) => [code, secret]),
  };
}

function fromYaml(text: string, vault?: string): Outcome {
  const parsed = parseSecretsYaml(text);
  return rows(buildSpecs(parsed.raw, vault), parsed.errors);
}

function fromYamlWithErrors(text: string, vault?: string): SecretsError[] {
  const parsed = parseSecretsYaml(text);
  return [...parsed.errors, ...buildSpecs(parsed.raw, vault).errors];
}

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
      const outcome = within(c.limitMs ?? 2000, () => fromYaml(c.text, c.vault));
      assert.deepEqual(outcome, normalize(c));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// secrets YAML
// ---------------------------------------------------------------------------------------------

describe('nasties: empty secrets input gives no specs and no errors', () => {
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

describe('nasties: secrets input that is not a mapping', () => {
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

describe('nasties: anchors and aliases', () => {
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

describe('nasties: keys', () => {
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

describe('nasties: names', () => {
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

describe('nasties: values', () => {
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

describe('nasties: options', () => {
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

describe('nasties: size', () => {
  const MB = 1 << 20;
  it('10,000 secrets: all specs, in order, in under 5 s', () => {
    const text = Array.from(
      { length: 10_000 },
      (_, i) => `S_${i}: op://Vault/item ${i}/field`,
    ).join('\n');
    const { specs, errors } = within(5000, () => fromYaml(text));
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

describe('nasties: errors never echo a value that is not written as op://', () => {
  // Each value could be a secret pasted where its reference belongs.
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
});

// ---------------------------------------------------------------------------------------------
// step env
// ---------------------------------------------------------------------------------------------

describe('nasties: step env discovery', () => {
  const env: Record<string, string | undefined> = {
    LEADING_SPACE: ' op://V/I/F',
    UPPER_SCHEME: 'OP://V/I/F',
    TRAILING: 'op://V/I/F ',
    BARE: 'op://',
    SHORT: 'op://x',
    GOOD: 'op://V/I/F',
    'MY-VAR': 'op://V/I/G',
    'MY.VAR': 'op://V/I/G',
    GITHUB_TOKEN: 'op://V/I/H',
    GITHUB_ENV: 'op://V/I/J',
    INPUT_SECRETS: 'op://V/I/F',
    input_lower: 'op://V/I/F',
    STATE_files: 'op://V/I/F',
    UNSET: undefined,
    EMPTY: '',
    PLAIN: 'hello',
    NOT_A_VAULT_REF: 'I/F',
    good: 'op://V/I/F',
  };

  it('only values starting with op:// are found, INPUT_ and STATE_ ignored', () => {
    assert.deepEqual(
      discoverEnvRefs(env).map((raw) => raw.name),
      [
        'TRAILING',
        'BARE',
        'SHORT',
        'GOOD',
        'MY-VAR',
        'MY.VAR',
        'GITHUB_TOKEN',
        'GITHUB_ENV',
        'good',
      ],
    );
  });

  it('each found entry is checked like a secrets entry; env refs get no default vault', () => {
    assert.deepEqual(
      rows(buildSpecs(discoverEnvRefs(env), 'Vault')),
      normalize({
        // GITHUB_TOKEN is allowed, as in 1Password's own action; the runner's other names are not.
        specs: [
          ['GOOD', 'op://V/I/F'],
          ['GITHUB_TOKEN', 'op://V/I/H'],
        ],
        errors: [
          [REF, 'TRAILING'],
          [REF, 'BARE'],
          [REF, 'SHORT'],
          [CONFIG, 'MY-VAR'],
          [CONFIG, 'MY.VAR'],
          [CONFIG, 'GITHUB_ENV'],
          [CONFIG, 'good'],
        ],
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// OP_ENV_FILE
// ---------------------------------------------------------------------------------------------

function inputs(secrets = '', vault?: string): Inputs {
  return inputsWith({ secrets, vault });
}

describe('nasties: OP_ENV_FILE', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nasties-'));
    mkdirSync(join(dir, 'a-directory'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  interface FileCase {
    why: string;
    /** File contents; undefined: OP_ENV_FILE names something that is not a file. */
    content?: string;
    path?: string;
    secrets?: string;
    env?: Record<string, string>;
    vault?: string;
    specs?: SpecRow[];
    errors?: ErrorRow[];
  }

  const cases: FileCase[] = [
    { why: 'a missing file', path: 'missing.env', errors: [[CONFIG]] },
    { why: 'a directory', path: 'a-directory', errors: [[CONFIG]] },
    { why: 'an empty file', content: '' },
    {
      why: 'non-ref entries and comments are left alone',
      content: '# comment\nPLAIN=hello\nEMPTY=\nSHORT_REF=I/F\n\n',
      vault: 'Vault',
    },
    {
      why: 'a quoted value with # keeps it: a fragment, refused',
      content: 'Q="op://V/I/F#x"\nS=\'op://V/I/F # not a comment\'\n',
      errors: [
        [REF, 'Q'],
        [REF, 'S'],
      ],
    },
    {
      // dotenv reads an unquoted # as the start of a comment: the ref is cut there.
      why: 'an unquoted # starts a comment (dotenv)',
      content: 'U=op://V/I/F#x\nW=op://V/I/G #note\n',
      specs: [
        ['U', 'op://V/I/F'],
        ['W', 'op://V/I/G'],
      ],
    },
    {
      why: 'export lines are read as dotenv reads them',
      content: 'export FOO=op://V/I/F\n  export\tBAR=op://V/I/G\nexportBAZ=op://V/I/H\n',
      specs: [
        ['FOO', 'op://V/I/F'],
        ['BAR', 'op://V/I/G'],
        ['exportBAZ', 'op://V/I/H'],
      ],
    },
    {
      why: 'CRLF line endings',
      content: 'A=op://V/I/F\r\nB="op://V/I/G"\r\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/G'],
      ],
    },
    {
      why: 'a BOM at the start',
      content: '\ufeffA=op://V/I/F\nB=op://V/I/G\n',
      specs: [
        ['A', 'op://V/I/F'],
        ['B', 'op://V/I/G'],
      ],
    },
    {
      why: 'spaces around = and after the value',
      content: 'K = op://V/I/F   \n',
      specs: [['K', 'op://V/I/F']],
    },
    {
      why: 'a multi-line quoted value: refused',
      content: 'M="op://V/I/F\nx"\n',
      errors: [[REF, 'M']],
    },
    {
      why: 'names dotenv allows but the action does not',
      content: 'MY-VAR=op://V/I/F\nMY.VAR=op://V/I/G\nPATH=op://V/I/H\n',
      errors: [
        [CONFIG, 'MY-VAR'],
        [CONFIG, 'MY.VAR'],
        [CONFIG, 'PATH'],
      ],
    },
    {
      why: 'a name in the file and in the secrets input (another case)',
      secrets: 'A: op://V/I/F\n',
      content: 'a=op://V/I/G\n',
      specs: [['A', 'op://V/I/F']],
      errors: [[CONFIG, 'a']],
    },
    {
      why: 'a name in the file and in step env',
      env: { B: 'op://V/I/F' },
      content: 'B=op://V/I/G\n',
      specs: [['B', 'op://V/I/F']],
      errors: [[CONFIG, 'B']],
    },
    {
      why: 'case variants inside the file',
      content: 'A=op://V/I/F\na=op://V/I/G\n',
      specs: [['A', 'op://V/I/F']],
      errors: [[CONFIG, 'a']],
    },
    {
      // SPEC: "a name given twice is SECRETS_CONFIG_INVALID"; dotenv keeps the last silently.
      why: 'the same name twice inside the file',
      content: 'A=op://V/I/F\nA=op://V/I/G\n',
      errors: [[CONFIG, 'A']],
    },
  ];

  for (const c of cases) {
    it(c.why, async () => {
      const path = c.path ?? `${c.why.replace(/[^a-z0-9]+/gi, '-')}.env`;
      if (c.content !== undefined) writeFileSync(join(dir, path), c.content);
      const env = { ...c.env, OP_ENV_FILE: path };
      const outcome = rows(
        await readSpecs(inputs(c.secrets, c.vault), new MemoryRunner({ env: env, cwd: dir })),
      );
      assert.deepEqual(outcome, normalize(c));
    });
  }

  it('an empty OP_ENV_FILE is ignored', async () => {
    assert.deepEqual(
      rows(await readSpecs(inputs(), new MemoryRunner({ env: { OP_ENV_FILE: '' }, cwd: dir }))),
      normalize({}),
    );
  });

  it('the file is read relative to the working directory given', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', '.env.tpl'), 'A=op://V/I/F\n');
    assert.deepEqual(
      rows(
        await readSpecs(
          inputs(),
          new MemoryRunner({ env: { OP_ENV_FILE: '.env.tpl' }, cwd: join(dir, 'sub') }),
        ),
      ),
      normalize({ specs: [['A', 'op://V/I/F']] }),
    );
    assert.deepEqual(
      rows(
        await readSpecs(
          inputs(),
          new MemoryRunner({ env: { OP_ENV_FILE: 'sub/.env.tpl' }, cwd: dir }),
        ),
      ),
      normalize({ specs: [['A', 'op://V/I/F']] }),
    );
  });

  it('parseEnvFile reports the names it leaves alone', async () => {
    assert.deepEqual(await parseEnvFile('A=op://V/I/F\nB=hello\nC= op://V/I/F\n'), {
      // dotenv trims unquoted values: C's leading space is gone and C is a ref
      raw: [
        { name: 'A', ref: 'op://V/I/F', file: false, mask: true, source: 'env-file' },
        { name: 'C', ref: 'op://V/I/F', file: false, mask: true, source: 'env-file' },
      ],
      skipped: ['B'],
      duplicates: [],
    });
  });
});
