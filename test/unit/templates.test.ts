/**
 * Templates: the `templates` input, `{{ op://... }}` placeholders parsed on bytes (the text
 * around them kept exactly), rendering from resolved outcomes, and every error named by the
 * template and its line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Code, SecretsError } from '../../src/errors.ts';
import { MAX_INPUT_FILE_BYTES } from '../../src/input-file.ts';
import type { Outcome } from '../../src/resolve.ts';
import {
  parseTemplate,
  parseTemplatesYaml,
  readTemplate,
  renderTemplate,
  type Template,
  type TemplateSpec,
} from '../../src/templates.ts';
import { SEED } from '../support/arbitraries.ts';
import { cpuBounded } from '../support/cpu-bounded.ts';

const SPEC: TemplateSpec = { name: 'NPMRC', path: '.npmrc.tpl' };

type Bytes = string | Uint8Array;

function bytes(text: Bytes): Uint8Array {
  return typeof text === 'string' ? new TextEncoder().encode(text) : text;
}

/** The template `text` parses to; fails the test on a parse error. */
function parsed(text: Bytes): Template {
  const { template, errors } = parseTemplate(SPEC, bytes(text));
  assert.deepEqual(errors, []);
  assert.ok(template);
  return template;
}

function outcomes(values: Readonly<Record<string, Outcome>>): Map<string, Outcome> {
  return new Map(Object.entries(values));
}

function value(text: string | Uint8Array): Outcome {
  return { kind: 'value', value: text };
}

/** Errors as [code, secret, ref] rows, easy to compare in a table. */
function rows(errors: readonly SecretsError[]): [string, string | undefined, string | undefined][] {
  return errors.map((error) => {
    assert.ok(error instanceof SecretsError, String(error));
    return [error.code, error.secret, error.ref];
  });
}

const A = 'op://V/item/a';
const B = 'op://V/item/b';
const VALUES = { [A]: value('alpha'), [B]: value('beta') };

describe('renderTemplate: placeholders replaced, the text around them kept exactly', () => {
  const cases: {
    why: string;
    template: Bytes;
    values?: Readonly<Record<string, Outcome>>;
    expected: Bytes;
    placed?: string[];
  }[] = [
    {
      why: 'at the start and the end of a line',
      template: `{{ ${A} }} and {{ ${B} }}\n`,
      expected: 'alpha and beta\n',
    },
    {
      why: 'several on a line',
      template: `x={{ ${A} }};y={{ ${B} }};z={{ ${A} }}\n`,
      expected: 'x=alpha;y=beta;z=alpha\n',
    },
    { why: 'adjacent', template: `{{ ${A} }}{{ ${B} }}`, expected: 'alphabeta' },
    {
      why: 'the same ref twice: placed twice, listed once',
      template: `a={{ ${A} }}\nagain={{ ${A} }}\n`,
      expected: 'a=alpha\nagain=alpha\n',
      placed: ['alpha'],
    },
    {
      why: 'unicode around them',
      template: `clé☃ {{ ${A} }} 🎉 ünï\n`,
      expected: 'clé☃ alpha 🎉 ünï\n',
    },
    {
      why: 'CRLF line endings kept',
      template: `a={{ ${A} }}\r\nb={{ ${B} }}\r\n`,
      expected: 'a=alpha\r\nb=beta\r\n',
    },
    { why: 'a BOM kept', template: `\ufeffa={{ ${A} }}\n`, expected: '\ufeffa=alpha\n' },
    {
      why: 'bytes that are not UTF-8 kept',
      template: Uint8Array.of(0xff, 0xfe, ...bytes(`{{ ${A} }}`), 0xc3, 0x28, 0x0a),
      expected: Uint8Array.of(0xff, 0xfe, ...bytes('alpha'), 0xc3, 0x28, 0x0a),
    },
    { why: 'no trailing newline added', template: `token={{ ${A} }}`, expected: 'token=alpha' },
    { why: 'no placeholder at all', template: 'plain\r\ntext', expected: 'plain\r\ntext' },
    { why: 'an empty template', template: '', expected: '' },
    {
      why: 'a value with newlines, kept exact',
      template: `key: |\n{{ ${A} }}\nnext: 1\n`,
      values: { [A]: value('-----BEGIN KEY-----\nabc\n-----END KEY-----\n') },
      expected: 'key: |\n-----BEGIN KEY-----\nabc\n-----END KEY-----\n\nnext: 1\n',
    },
    {
      why: 'a value that looks like a placeholder is not rendered again',
      template: `{{ ${A} }}`,
      values: { [A]: value(`{{ ${B} }}`) },
      expected: `{{ ${B} }}`,
    },
    {
      why: '{{ without op:// left alone',
      template: `{{ .Values.x }} {{op}} {{ op:/x }} {{ OP://V/item/a }} {{}} {{ ${A} }} }}`,
      expected: '{{ .Values.x }} {{op}} {{ op:/x }} {{ OP://V/item/a }} {{}} alpha }}',
    },
    { why: 'no spaces inside the braces', template: `<{{${A}}}>`, expected: '<alpha>' },
    { why: 'tabs and several spaces', template: `<{{\t  ${A} \t}}>`, expected: '<alpha>' },
    { why: 'a third brace stays text', template: `{{{ ${A} }}}`, expected: '{alpha}' },
    {
      why: 'titles with spaces, a section, a query option',
      template: '{{ op://V/my item/api key }} {{ op://V/i/s/f }} {{ op://V/i/otp?attribute=otp }}',
      values: {
        'op://V/my item/api key': value('k'),
        'op://V/i/s/f': value('f'),
        'op://V/i/otp?attribute=otp': value('123456'),
      },
      expected: 'k f 123456',
      placed: ['k', 'f', '123456'],
    },
    {
      why: 'an attached file that is UTF-8 is placed byte for byte (a BOM too)',
      template: `cert:\n{{ ${A} }}`,
      values: { [A]: value(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('PEM\r\n'))) },
      expected: Uint8Array.of(...bytes('cert:\n'), 0xef, 0xbb, 0xbf, ...bytes('PEM\r\n')),
      placed: ['\ufeffPEM\r\n'],
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const rendered = renderTemplate(parsed(c.template), outcomes(c.values ?? VALUES));
      assert.ok('bytes' in rendered, JSON.stringify(rendered));
      assert.deepEqual([...rendered.bytes], [...bytes(c.expected)]);
      if (c.placed) assert.deepEqual(rendered.placed, c.placed);
    });
  }

  it('placeholders carry their ref and 1-based line; parts surround them', () => {
    const template = parsed(`first\r\n{{ ${A} }}\n\nx {{${B}}} {{ ${A} }}`);
    assert.deepEqual(
      template.placeholders.map(({ ref, line }) => [ref.text, line]),
      [
        [A, 2],
        [B, 4],
        [A, 4],
      ],
    );
    const decoder = new TextDecoder();
    assert.deepEqual(
      template.parts.map((part) => decoder.decode(part)),
      ['first\r\n', '\n\nx ', ' ', ''],
    );
  });
});

describe('parseTemplate: errors named by template and line', () => {
  const cases: { why: string; template: Bytes; errors: [string, string][]; says?: RegExp }[] = [
    {
      why: 'a placeholder not closed on its line',
      template: `a\n{{ ${A} \n}}\n`,
      errors: [[Code.configInvalid, '.npmrc.tpl:2']],
      says: /not closed with "}}" before the end of its line/,
    },
    {
      why: 'a placeholder not closed before a CRLF',
      template: `{{ ${A} }\r\n`,
      errors: [[Code.configInvalid, '.npmrc.tpl:1']],
    },
    {
      why: 'a placeholder not closed at the end of the file',
      template: `a\nb\nc={{ ${A}`,
      errors: [[Code.configInvalid, '.npmrc.tpl:3']],
      says: /before the end of the file/,
    },
    {
      why: 'a malformed ref',
      template: `a\nb\n{{ op://V//a }}\n`,
      errors: [[Code.refInvalid, '.npmrc.tpl:3']],
      says: /segment 2 is empty/,
    },
    {
      why: 'an unsupported query option',
      template: `{{ ${A}?x=y }}`,
      errors: [[Code.refInvalid, '.npmrc.tpl:1']],
    },
    {
      why: 'a fragment',
      template: `{{ ${A}#x }}`,
      errors: [[Code.refInvalid, '.npmrc.tpl:1']],
    },
    {
      why: 'a ref that is not UTF-8',
      template: Uint8Array.of(...bytes('{{ op://V/i/'), 0xff, ...bytes(' }}')),
      errors: [[Code.refInvalid, '.npmrc.tpl:1']],
    },
    {
      why: 'a whole item (a template needs one value)',
      template: '\n{{ op://V/item/* }}',
      errors: [[Code.configInvalid, '.npmrc.tpl:2']],
      says: /whole item/,
    },
    {
      why: 'every problem at once, each with its line',
      template: `{{ op://V/i/* }}\nok={{ ${A} }}\n{{ op://V//x }} {{ ${B}\n{{ op://a`,
      errors: [
        [Code.configInvalid, '.npmrc.tpl:1'],
        [Code.refInvalid, '.npmrc.tpl:3'],
        [Code.configInvalid, '.npmrc.tpl:3'],
        [Code.configInvalid, '.npmrc.tpl:4'],
      ],
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const { template, errors } = parseTemplate(SPEC, bytes(c.template));
      assert.equal(template, undefined);
      assert.deepEqual(
        rows(errors),
        c.errors.map(([code, ref]) => [code, 'NPMRC', ref]),
      );
      if (c.says) assert.match(errors[0]?.message ?? '', c.says);
    });
  }
});

describe('renderTemplate: failures attributed to the template and the line', () => {
  const template = parsed(`a={{ ${A} }}\nb={{ ${B} }}\nc={{ op://V/item/c }}\n`);

  it('a failing outcome keeps its code and message, named NPMRC (.npmrc.tpl:line)', () => {
    const notFound = new SecretsError(Code.refNotFound, 'item "npm" not found in vault "CI"');
    const rendered = renderTemplate(
      template,
      outcomes({ [A]: value('alpha'), [B]: notFound, 'op://V/item/c': value('c') }),
    );
    assert.ok('errors' in rendered);
    assert.deepEqual(rows(rendered.errors), [[Code.refNotFound, 'NPMRC', '.npmrc.tpl:2']]);
    assert.equal(rendered.errors[0]?.message, 'item "npm" not found in vault "CI"');
  });

  const failing: { why: string; outcome: Outcome | undefined; code: string; says: RegExp }[] = [
    {
      why: 'a missing outcome',
      outcome: undefined,
      code: Code.providerUnavailable,
      says: /^the reference was not resolved$/,
    },
    {
      why: 'an attached file that is not UTF-8',
      outcome: value(Uint8Array.of(0x50, 0xff, 0x0a)),
      code: Code.refInvalid,
      says: /^the attached file is not UTF-8 text and cannot be placed in a template$/,
    },
    {
      why: 'a whole item',
      outcome: { kind: 'item', fields: [{ suffix: 'X', label: 'x', value: 'v' }] },
      code: Code.configInvalid,
      says: /whole item/,
    },
  ];
  for (const c of failing) {
    it(`${c.why} is ${c.code}`, () => {
      const values = outcomes({ [A]: value('alpha'), 'op://V/item/c': value('c') });
      if (c.outcome) values.set(B, c.outcome);
      const rendered = renderTemplate(template, values);
      assert.ok('errors' in rendered);
      assert.deepEqual(rows(rendered.errors), [[c.code, 'NPMRC', '.npmrc.tpl:2']]);
      assert.match(rendered.errors[0]?.message ?? '', c.says);
    });
  }

  it('reports every failing placeholder, not just the first', () => {
    const rendered = renderTemplate(template, outcomes({ [B]: value('beta') }));
    assert.ok('errors' in rendered);
    assert.deepEqual(rows(rendered.errors), [
      [Code.providerUnavailable, 'NPMRC', '.npmrc.tpl:1'],
      [Code.providerUnavailable, 'NPMRC', '.npmrc.tpl:3'],
    ]);
  });
});

describe('parseTemplatesYaml', () => {
  it('reads NAME: path in order', () => {
    const { specs, errors } = parseTemplatesYaml(
      'NPMRC: .npmrc.tpl\nKUBECONFIG: "deploy/kube config ☃.yaml"\n',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(specs, [
      { name: 'NPMRC', path: '.npmrc.tpl' },
      { name: 'KUBECONFIG', path: 'deploy/kube config ☃.yaml' },
    ]);
  });

  for (const text of ['', '  \n', '# none\n', '~', '{}']) {
    it(`${JSON.stringify(text)} is no templates`, () => {
      assert.deepEqual(parseTemplatesYaml(text), { specs: [], errors: [] });
    });
  }

  const rejected: { why: string; text: string; secret?: string; says: RegExp; kept?: string[] }[] =
    [
      {
        why: 'a list',
        text: '- a.tpl\n',
        says: /^the templates input must be a YAML mapping of NAME: path$/,
      },
      {
        why: 'a scalar',
        text: 'a.tpl',
        says: /^the templates input must be a YAML mapping of NAME: path$/,
      },
      { why: 'invalid YAML', text: 'A: [x', says: /^the templates input is not valid YAML: / },
      {
        why: 'a duplicate key',
        text: 'A: a.tpl\nA: b.tpl\n',
        says: /^the templates input is not valid YAML: map keys must be unique/,
      },
      {
        why: 'the same name in another case',
        text: 'npmrc: a.tpl\nNPMRC: b.tpl\n',
        secret: 'NPMRC',
        says: /"NPMRC" is given twice in the templates input; names are case-insensitive/,
        kept: ['npmrc'],
      },
      { why: 'a bad name', text: 'A-B: a.tpl', secret: 'A-B', says: /not a valid name/ },
      { why: 'a reserved name', text: 'PATH: a.tpl', secret: 'PATH', says: /is reserved/ },
      { why: 'a numeric key', text: '1: a.tpl', says: /^template names must be strings/ },
      { why: 'a number as path', text: 'A: 5', secret: 'A', says: /path of a template file/ },
      { why: 'a list as path', text: 'A: [a.tpl]', secret: 'A', says: /path of a template/ },
      { why: 'a mapping as path', text: 'A: {path: a}', secret: 'A', says: /path of a template/ },
      { why: 'a null path', text: 'A:\nB: b.tpl', secret: 'A', says: /path/, kept: ['B'] },
      { why: 'an empty path', text: 'A: ""', secret: 'A', says: /non-empty string/ },
    ];
  for (const c of rejected) {
    it(`${c.why} is SECRETS_CONFIG_INVALID`, () => {
      const { specs, errors } = parseTemplatesYaml(c.text);
      assert.deepEqual(rows(errors), [[Code.configInvalid, c.secret, undefined]]);
      assert.match(errors[0]?.message ?? '', c.says);
      assert.deepEqual(
        specs.map((spec) => spec.name),
        c.kept ?? [],
      );
    });
  }
});

describe('readTemplate: a regular file of at most 1 MiB, in the workspace or absolute', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'templates-test-'));
    mkdirSync(join(dir, 'a-dir'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'ok.tpl'),
      Uint8Array.of(0xef, 0xbb, 0xbf, 0xff, ...bytes(`\r\n//npm:_authToken={{ ${A} }}\r\n`)),
    );
    const head = `{{ ${A} }}`;
    writeFileSync(join(dir, 'exact.tpl'), head + ' '.repeat(MAX_INPUT_FILE_BYTES - head.length));
    writeFileSync(join(dir, 'over.tpl'), ' '.repeat(MAX_INPUT_FILE_BYTES + 1));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses the exact bytes', () => {
    const { template, errors } = readTemplate(
      { name: 'NPMRC', path: 'sub/ok.tpl' },
      { env: {}, cwd: dir },
    );
    assert.deepEqual(errors, []);
    assert.ok(template);
    assert.deepEqual(
      template.placeholders.map(({ ref, line }) => [ref.text, line]),
      [[A, 2]],
    );
    const rendered = renderTemplate(template, outcomes(VALUES));
    assert.ok('bytes' in rendered);
    assert.deepEqual(
      [...rendered.bytes],
      [0xef, 0xbb, 0xbf, 0xff, ...bytes('\r\n//npm:_authToken=alpha\r\n')],
    );
  });

  it('a file of exactly 1 MiB is read', () => {
    const { template, errors } = readTemplate(
      { name: 'BIG', path: 'exact.tpl' },
      { env: {}, cwd: dir },
    );
    assert.deepEqual(errors, []);
    assert.equal(template?.placeholders.length, 1);
  });

  const refused: { why: string; path: string; says: RegExp }[] = [
    { why: 'a missing file', path: 'missing.tpl', says: /cannot be read: .*ENOENT/ },
    { why: 'a directory', path: 'a-dir', says: /is a directory, not a regular file/ },
    { why: '1 MiB + 1 byte', path: 'over.tpl', says: /1048577 bytes, more than the 1 MiB/ },
  ];
  for (const c of refused) {
    it(`${c.why} is SECRETS_CONFIG_INVALID, named by the template and its path`, () => {
      const { template, errors } = readTemplate(
        { name: 'NPMRC', path: c.path },
        { env: {}, cwd: dir },
      );
      assert.equal(template, undefined);
      assert.deepEqual(rows(errors), [[Code.configInvalid, 'NPMRC', c.path]]);
      assert.match(errors[0]?.message ?? '', new RegExp(`^templates NPMRC "${c.path}" `));
      assert.match(errors[0]?.message ?? '', c.says);
    });
  }

  it('a relative path that leaves the workspace is refused, named by the template', () => {
    const place = { env: { GITHUB_WORKSPACE: join(dir, 'sub') }, cwd: join(dir, 'sub') };
    writeFileSync(join(dir, 'small.tpl'), `{{ ${A} }}`);
    const { template, errors } = readTemplate({ name: 'APP', path: '../small.tpl' }, place);
    assert.equal(template, undefined);
    assert.deepEqual(rows(errors), [[Code.configInvalid, 'APP', '../small.tpl']]);
    assert.match(errors[0]?.message ?? '', /^templates APP "\.\.\/small\.tpl" leads to .*outside/);
  });

  it(
    'a symlink to /proc/self/environ is refused, named by the template',
    {
      skip: process.platform !== 'linux',
    },
    () => {
      symlinkSync('/proc/self/environ', join(dir, 'app.tpl'));
      const { template, errors } = readTemplate(
        { name: 'APP', path: 'app.tpl' },
        { env: {}, cwd: dir },
      );
      assert.equal(template, undefined);
      assert.deepEqual(rows(errors), [[Code.configInvalid, 'APP', 'app.tpl']]);
      assert.match(
        errors[0]?.message ?? '',
        /^templates APP "app\.tpl" leads to \/proc\/.*nothing is read/,
      );
    },
  );

  it(
    'control characters in a path are escaped wherever it is shown',
    {
      skip: process.platform === 'win32',
    },
    () => {
      const place = { env: {}, cwd: dir };
      const missing = readTemplate({ name: 'APP', path: 'a\u0000b\u001b.tpl' }, place);
      assert.deepEqual(rows(missing.errors), [[Code.configInvalid, 'APP', 'a\\u0000b\\u001b.tpl']]);
      assert.match(missing.errors[0]?.message ?? '', /^templates APP "a\\u0000b\\u001b\.tpl" /);
      writeFileSync(join(dir, 'two\nlines.tpl'), `ok\n{{ ${A}\n`);
      const unclosed = readTemplate({ name: 'APP', path: 'two\nlines.tpl' }, place);
      assert.deepEqual(rows(unclosed.errors), [
        [Code.configInvalid, 'APP', 'two\\u000alines.tpl:2'],
      ]);
      writeFileSync(join(dir, 'good\r.tpl'), `{{ ${A} }}`);
      const good = readTemplate({ name: 'APP', path: 'good\r.tpl' }, place);
      assert.equal(good.template?.path, 'good\\u000d.tpl');
      const rendered = good.template && renderTemplate(good.template, new Map());
      assert.ok(rendered && 'errors' in rendered);
      assert.deepEqual(
        rendered.errors.map((error) => error.ref),
        ['good\\u000d.tpl:1'],
      );
    },
  );
});

describe('parseTemplate: linear time on hostile input', () => {
  const cases: {
    why: string;
    unit: string;
    size: number;
    placeholders?: number;
    errors?: number;
  }[] = [
    { why: '1 MiB of {', unit: '{', size: MAX_INPUT_FILE_BYTES, placeholders: 0 },
    { why: '1 MiB of "{{ "', unit: '{{ ', size: MAX_INPUT_FILE_BYTES, placeholders: 0 },
    {
      why: '1 MiB of placeholders on one line',
      unit: `{{ ${A} }}`,
      size: MAX_INPUT_FILE_BYTES,
      placeholders: Math.floor(MAX_INPUT_FILE_BYTES / `{{ ${A} }}`.length),
    },
    {
      why: '1 MiB of openings on one line',
      unit: '{{ op://',
      size: MAX_INPUT_FILE_BYTES,
      errors: 1,
    },
    {
      why: 'an unclosed opening on every line',
      unit: '{{ op://\n',
      size: 128 * 1024,
      errors: Math.floor((128 * 1024) / 9),
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const text = c.unit.repeat(Math.floor(c.size / c.unit.length));
      const { template, errors } = cpuBounded(() => parseTemplate(SPEC, bytes(text)));
      assert.equal(errors.length, c.errors ?? 0);
      if (c.placeholders !== undefined) assert.equal(template?.placeholders.length, c.placeholders);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const SCHEME = Buffer.from('op://');

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(pieces.flatMap((piece) => [...piece]));
}

function holdsScheme(data: Uint8Array): boolean {
  return Buffer.from(data).includes(SCHEME);
}

/** Text around placeholders: braces, blanks, line endings, near-miss schemes, any bytes. */
const textBytes = fc
  .array(
    fc.oneof(
      fc
        .constantFrom(
          '{',
          '{{',
          '}',
          '}}',
          ' ',
          '\t',
          '\n',
          '\r\n',
          'op:/',
          'OP://',
          '\ufeff',
          'op',
        )
        .map(bytes),
      fc.string({ unit: 'grapheme', maxLength: 8 }).map(bytes),
      fc.uint8Array({ maxLength: 8 }),
    ),
    { maxLength: 12 },
  )
  .map(concat)
  .filter((data) => !holdsScheme(data));

const REFS = [A, B, 'op://V/my item/s/api key', 'op://V/i/otp?attribute=otp'];

describe(`properties (seed ${SEED}): templates`, () => {
  it('a template without op:// renders to the same bytes', () => {
    fc.assert(
      fc.property(textBytes, (data) => {
        const rendered = renderTemplate(parsed(data), new Map());
        assert.ok('bytes' in rendered);
        assert.deepEqual([...rendered.bytes], [...data]);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('rendering with values never changes the text between placeholders', () => {
    const placeholder = fc.record({
      ref: fc.constantFrom(...REFS),
      open: fc.constantFrom('{{', '{{ ', '{{\t', '{{  '),
      close: fc.constantFrom('}}', ' }}', '\t}}', '  }}'),
    });
    const values = fc.record(
      Object.fromEntries(REFS.map((ref) => [ref, fc.string({ unit: 'grapheme' })])),
    );
    fc.assert(
      fc.property(
        textBytes,
        fc.array(fc.tuple(placeholder, textBytes), { maxLength: 6 }),
        values,
        (first, rest, texts) => {
          const source = concat([
            first,
            ...rest.flatMap(([{ ref, open, close }, text]) => [
              bytes(`${open}${ref}${close}`),
              text,
            ]),
          ]);
          const template = parsed(source);
          assert.deepEqual(
            template.placeholders.map(({ ref }) => ref.text),
            rest.map(([{ ref }]) => ref),
          );
          const rendered = renderTemplate(
            template,
            new Map(Object.entries(texts).map(([ref, text]) => [ref, value(text)])),
          );
          assert.ok('bytes' in rendered);
          const expected = concat([
            first,
            ...rest.flatMap(([{ ref }, text]) => [bytes(texts[ref] ?? ''), text]),
          ]);
          assert.deepEqual([...rendered.bytes], [...expected]);
          assert.deepEqual(
            new Set(rendered.placed),
            new Set(rest.map(([{ ref }]) => texts[ref] ?? '')),
          );
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
