/**
 * What the step is asked to load (docs/what-to-load.md), beyond the `secrets` input's own rules
 * (test/unit/secret-specs.test.ts): references in the step's environment (values written as
 * op://) and in the file OP_ENV_FILE names (read as dotenv reads it), each checked like a
 * `secrets` entry, and the three sources merged. Which files OP_ENV_FILE may name:
 * test/unit/input-file.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '../../src/errors.ts';
import type { Inputs } from '../../src/inputs.ts';
import { buildSpecs, discoverEnvRefs, parseEnvFile } from '../../src/secret-specs.ts';
import { readSpecs } from '../../src/work.ts';
import { cpuBoundedAsync } from '../support/cpu-bounded.ts';
import { inputsWith } from '../support/inputs.ts';
import { MemoryRunner } from '../support/memory-runner.ts';
import {
  type ErrorRow,
  expectedOutcome,
  outcomeOf,
  raw,
  type SpecRow,
} from '../support/spec-outcome.ts';

const CONFIG = Code.configInvalid;
const REF = Code.refInvalid;

function inputs(secrets = '', vault?: string): Inputs {
  return inputsWith({ secrets, vault });
}

/** Everything to load, for the step's environment and working directory. */
function specsOf(inputs: Inputs, env: Record<string, string>, cwd: string) {
  return readSpecs(inputs, new MemoryRunner({ env, cwd }));
}

describe("the step's environment: values written as op:// are references", () => {
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
      outcomeOf(buildSpecs(discoverEnvRefs(env), 'Vault')),
      expectedOutcome({
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

describe('OP_ENV_FILE: the file it names, read as dotenv reads it, each entry checked', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'what-to-load-env-file-'));
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
      const outcome = outcomeOf(
        await readSpecs(inputs(c.secrets, c.vault), new MemoryRunner({ env: env, cwd: dir })),
      );
      assert.deepEqual(outcome, expectedOutcome(c));
    });
  }

  it('an empty OP_ENV_FILE is ignored', async () => {
    const runner = new MemoryRunner({ env: { OP_ENV_FILE: '' }, cwd: dir });
    assert.deepEqual(await readSpecs(inputs(), runner), { specs: [], errors: [], leftAlone: [] });
  });

  it('the file is read relative to the working directory given', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', '.env.tpl'), 'A=op://V/I/F\n');
    assert.deepEqual(
      outcomeOf(
        await readSpecs(
          inputs(),
          new MemoryRunner({ env: { OP_ENV_FILE: '.env.tpl' }, cwd: join(dir, 'sub') }),
        ),
      ),
      expectedOutcome({ specs: [['A', 'op://V/I/F']] }),
    );
    assert.deepEqual(
      outcomeOf(
        await readSpecs(
          inputs(),
          new MemoryRunner({ env: { OP_ENV_FILE: 'sub/.env.tpl' }, cwd: dir }),
        ),
      ),
      expectedOutcome({ specs: [['A', 'op://V/I/F']] }),
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

  it('parses 100,000 lines in linear time (the duplicate check was quadratic: 19 s)', async () => {
    const lines = Array.from(
      { length: 100_000 },
      (_, index) => `NAME_${index}=op://V/item/f${index}`,
    );
    // Two duplicates at the far end, so the check still has something to find.
    lines.push('NAME_7=op://V/item/again', 'NAME_99999=op://V/item/again');
    // Well under a second of CPU here, against 19 s when quadratic.
    const parsed = await cpuBoundedAsync(() => parseEnvFile(lines.join('\n')), 5000);
    assert.deepEqual(parsed.duplicates, ['NAME_7', 'NAME_99999']);
    assert.equal(parsed.raw.length, 99_998);
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

describe('the three sources, merged (readSpecs)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'what-to-load-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, '.env.tpl'),
      '# template\nFILE_REF=op://V/file/ref\nPLAIN=not-a-ref\nFILE_OTP="op://V/file/otp?attribute=otp"\n',
    );
    writeFileSync(join(dir, 'sub', 'other.env'), 'SUB_REF=op://V/sub/ref\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the secrets input, step env refs and OP_ENV_FILE relative to cwd', async () => {
    const inputs = inputsWith({
      secrets: 'FROM_YAML: op://V/yaml/field\nBARE: item/field',
      vault: 'D',
    });
    const parsed = await specsOf(
      inputs,
      { OP_ENV_FILE: './.env.tpl', LEGACY_KEY: 'op://V/env/credential', OTHER: 'plain' },
      dir,
    );
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map((spec) => [spec.name, spec.source, spec.ref.text]),
      [
        ['FROM_YAML', 'secrets', 'op://V/yaml/field'],
        ['BARE', 'secrets', 'op://D/item/field'],
        ['LEGACY_KEY', 'env', 'op://V/env/credential'],
        ['FILE_REF', 'env-file', 'op://V/file/ref'],
        ['FILE_OTP', 'env-file', 'op://V/file/otp?attribute=otp'],
      ],
    );
  });

  it('resolves OP_ENV_FILE against the given cwd, not the process cwd', async () => {
    const parsed = await specsOf(inputsWith({}), { OP_ENV_FILE: 'sub/other.env' }, dir);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map((spec) => spec.name),
      ['SUB_REF'],
    );
  });

  it('accepts an absolute OP_ENV_FILE', async () => {
    const parsed = await specsOf(inputsWith({}), { OP_ENV_FILE: join(dir, '.env.tpl') }, '/');
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.specs.length, 2);
  });

  it('a missing OP_ENV_FILE is SECRETS_CONFIG_INVALID', async () => {
    const parsed = await specsOf(
      inputsWith({ secrets: 'A: op://V/I/F' }),
      { OP_ENV_FILE: './missing.env' },
      dir,
    );
    assert.deepEqual(
      parsed.errors.map((error) => error.code),
      ['SECRETS_CONFIG_INVALID'],
    );
    assert.match(parsed.errors[0]?.message ?? '', /missing\.env/);
  });

  it('OP_ENV_FILE naming a directory is SECRETS_CONFIG_INVALID', async () => {
    const parsed = await specsOf(inputsWith({}), { OP_ENV_FILE: 'sub' }, dir);
    assert.deepEqual(
      parsed.errors.map((error) => error.code),
      ['SECRETS_CONFIG_INVALID'],
    );
  });

  it('a name given in two sources is SECRETS_CONFIG_INVALID', async () => {
    const parsed = await specsOf(
      inputsWith({ secrets: 'file_ref: op://V/yaml/field' }),
      { OP_ENV_FILE: '.env.tpl' },
      dir,
    );
    assert.ok(parsed.errors.some((error) => error.code === 'SECRETS_CONFIG_INVALID'));
    assert.ok(
      !parsed.specs.some(
        (spec) => spec.name.toUpperCase() === 'FILE_REF' && spec.source === 'env-file',
      ),
    );
  });

  it('no secrets at all is not an error', async () => {
    assert.deepEqual(await specsOf(inputsWith({}), {}, dir), {
      specs: [],
      errors: [],
      leftAlone: [],
    });
  });

  it('says how many OP_ENV_FILE entries it left alone, in the singular for one', async () => {
    const runner = new MemoryRunner({ env: { OP_ENV_FILE: '.env.tpl' }, cwd: dir });
    await readSpecs(inputsWith({}), runner);
    assert.deepEqual(runner.infos, ['OP_ENV_FILE: left alone 1 entry without an op:// reference']);
  });

  it("leaving env refs alone (workload identity): the step env's and OP_ENV_FILE's are named, not loaded nor checked", async () => {
    writeFileSync(
      join(dir, 'twice.env'),
      'FILE_REF=op://V/a/b\nFILE_REF=op://V/c/d\nFILE_OK=op://V/e/f\n',
    );
    const runner = new MemoryRunner({
      env: {
        OP_ENV_FILE: 'twice.env',
        LEGACY: 'op://V/env/credential',
        MALFORMED: 'op://V//F',
        GITHUB_SHA: 'op://V/reserved/name',
      },
      cwd: dir,
    });
    const parsed = await readSpecs(
      inputsWith({ secrets: 'FROM_YAML: op://V/yaml/field' }),
      runner,
      'leave',
    );
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map((spec) => spec.name),
      ['FROM_YAML'],
    );
    assert.deepEqual(parsed.leftAlone, ['LEGACY', 'MALFORMED', 'GITHUB_SHA', 'FILE_OK']);
  });

  it('reports YAML errors together with the others', async () => {
    const parsed = await specsOf(
      inputsWith({ secrets: 'A: [' }),
      { OP_ENV_FILE: 'nope.env', BAD: 'op://V//F' },
      dir,
    );
    assert.deepEqual(parsed.errors.map((error) => error.code).sort(), [
      'SECRETS_CONFIG_INVALID',
      'SECRETS_CONFIG_INVALID',
      'SECRETS_REF_INVALID',
    ]);
  });
});
