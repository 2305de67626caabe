/**
 * How the Resolver finds what a parsed reference names: vaults and items by title or ID, fields,
 * whole items, attached files, what it costs in requests, and how backend failures are coded.
 * Four-segment readings and query options have files of their own in this folder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretsError } from '../../../src/errors.ts';
import { parseRef } from '../../../src/refs.ts';
import { envSuffix, type Outcome, Resolver } from '../../../src/resolve.ts';
import { cpuBoundedAsync } from '../../support/cpu-bounded.ts';
import {
  failure,
  type Failures,
  itemFields,
  MemorySource,
  newId,
  resolveOne,
  value,
  valueFrom,
} from '../../support/memory-source.ts';
import { field, file, item, type ItemSpec, vault } from '../../support/vaults.ts';

describe('envSuffix', () => {
  const cases: [string, string][] = [
    ['api key', 'API_KEY'],
    ['password', 'PASSWORD'],
    ['API_KEY', 'API_KEY'],
    ['api-key', 'API_KEY'],
    ['api  --  key', 'API_KEY'],
    ['  api key  ', 'API_KEY'],
    ['__x__', 'X'],
    ['-leading and trailing-', 'LEADING_AND_TRAILING'],
    ['one.two/three', 'ONE_TWO_THREE'],
    ['x1 y2', 'X1_Y2'],
    ['2fa code', '2FA_CODE'],
    ['Clé', 'CL'],
    ["clé d'accès", 'CL_D_ACC_S'],
    ['***', ''],
    ['', ''],
    ['☃', ''],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () =>
      assert.equal(envSuffix(text), expected));
  }
});

describe('Resolver: cost', () => {
  it('lists vaults once, each vault’s items once, and fetches each item once', async () => {
    const source = new MemorySource([
      vault('Engineering', [
        item('deploy', [
          field('token', 'deploy-token'),
          field('user', 'deployer'),
          field('url', 'https://deploy'),
        ]),
        item('db', [field('password', 'db-pass')]),
        item('unused', [field('x', 'y')]),
      ]),
      vault('Platform', [
        item('tls', [field('cert', 'CERT'), field('key', 'KEY', { section: 's1' })], {
          sections: { s1: 'prod' },
        }),
      ]),
      vault('Untouched', [item('x', [field('y', 'z')])]),
    ]);
    const raws = [
      'op://Engineering/deploy/token',
      'op://Engineering/deploy/user',
      'op://Engineering/deploy/url',
      'op://Engineering/deploy/token', // the same ref twice
      'op://Engineering/db/password',
      'op://Platform/tls/cert',
      'op://Platform/tls/prod/key', // four segments: item "tls/prod" or item "tls" section "prod"
      'op://Platform/tls/*',
    ];
    const refs = raws.map((raw) => parseRef(raw));
    const outcomes = await new Resolver(source).resolveAll(refs);

    assert.equal(outcomes.size, new Set(raws).size, 'each distinct ref once');
    assert.equal(
      valueFrom(outcomes.get('op://Engineering/deploy/token') as Outcome),
      'deploy-token',
    );
    assert.equal(valueFrom(outcomes.get('op://Engineering/deploy/user') as Outcome), 'deployer');
    assert.equal(valueFrom(outcomes.get('op://Engineering/db/password') as Outcome), 'db-pass');
    assert.equal(valueFrom(outcomes.get('op://Platform/tls/cert') as Outcome), 'CERT');
    assert.equal(valueFrom(outcomes.get('op://Platform/tls/prod/key') as Outcome), 'KEY');

    assert.equal(source.calls.listVaults, 1);
    assert.deepEqual(
      [...source.calls.listItems.entries()].sort(),
      [
        [source.vaultId('Engineering'), 1],
        [source.vaultId('Platform'), 1],
      ].sort(),
    );
    assert.equal(source.calls.getVault.size, 0);
    const { total, max } = source.itemCalls();
    assert.equal(max, 1, 'no item fetched twice');
    assert.equal(total, 3, 'deploy, db and tls');
  });

  it('a vault named by title in one ref and by ID in another is listed once', async () => {
    const source = new MemorySource([
      vault('Engineering', [item('deploy', [field('token', 't'), field('user', 'u')])]),
    ]);
    const vaultId = source.vaultId('Engineering');
    const itemId = source.itemId('Engineering', 'deploy');
    const outcomes = await new Resolver(source).resolveAll([
      parseRef('op://Engineering/deploy/token'),
      parseRef(`op://${vaultId}/deploy/user`),
      parseRef(`op://${vaultId}/${itemId}/token`),
    ]);
    assert.equal(outcomes.size, 3);
    for (const outcome of outcomes.values()) assert.ok(!(outcome instanceof SecretsError));
    assert.equal(source.calls.listVaults, 1);
    assert.equal(source.calls.listItems.get(vaultId), 1);
    assert.deepEqual(source.itemCalls(), { total: 1, max: 1 });
  });

  it('fetches an item once for a hundred refs', async () => {
    const fields = Array.from({ length: 100 }, (_, index) => field(`f${index}`, `v${index}`));
    const source = new MemorySource([vault('V', [item('big', fields)])]);
    const refs = fields.map((field) => parseRef(`op://V/big/${field.label}`));
    const outcomes = await new Resolver(source).resolveAll(refs);
    assert.equal(outcomes.size, 100);
    for (const field of fields) {
      assert.equal(valueFrom(outcomes.get(`op://V/big/${field.label}`) as Outcome), field.value);
    }
    assert.equal(source.calls.listVaults, 1);
    assert.equal(source.calls.listItems.get(source.vaultId('V')), 1);
    assert.deepEqual(source.itemCalls(), { total: 1, max: 1 });
  });

  // Each ref is a lookup, never a scan of every field or item: scanning, 20,000 template
  // placeholders into one item took 11 s. Here a scan takes about 3 s of CPU, lookups under 1 s.
  const MANY = 10_000;

  it(`${MANY} refs into one item of ${MANY} fields, half of them in a section: linear CPU`, async () => {
    const fields = Array.from({ length: MANY }, (_, index) =>
      field(`f${index}`, `v${index}`, index % 2 === 0 ? {} : { section: 's1' }),
    );
    const source = new MemorySource([
      vault('V', [item('big', fields, { sections: { s1: 'sec' } })]),
    ]);
    const refs = fields.map((field, index) =>
      parseRef(index % 2 === 0 ? `op://V/big/${field.label}` : `op://V/big/sec/${field.label}`),
    );
    const outcomes = await cpuBoundedAsync(() => new Resolver(source).resolveAll(refs));
    refs.forEach((ref, index) =>
      assert.equal(valueFrom(outcomes.get(ref.text) as Outcome), `v${index}`),
    );
  });

  it(`${MANY} refs into ${MANY} items of one vault: linear CPU`, async () => {
    const items = Array.from({ length: MANY }, (_, index) =>
      item(`item${index}`, [field('password', `v${index}`)]),
    );
    const source = new MemorySource([vault('V', items)]);
    const refs = items.map((item) => parseRef(`op://V/${item.title}/password`));
    const outcomes = await cpuBoundedAsync(() => new Resolver(source).resolveAll(refs));
    refs.forEach((ref, index) =>
      assert.equal(valueFrom(outcomes.get(ref.text) as Outcome), `v${index}`),
    );
  });

  it('a Resolver reused for a second batch does not fetch again', async () => {
    const source = new MemorySource([vault('V', [item('I', [field('a', '1'), field('b', '2')])])]);
    const resolver = new Resolver(source);
    await resolver.resolveAll([parseRef('op://V/I/a')]);
    await resolver.resolveAll([parseRef('op://V/I/b')]);
    assert.equal(source.calls.listVaults, 1);
    assert.deepEqual(source.itemCalls(), { total: 1, max: 1 });
  });
});

describe('Resolver: vaults and items', () => {
  function twoItems(): MemorySource {
    return new MemorySource([
      vault('Engineering', [
        item('deploy', [field('token', 'by-title')]),
        item('services/loom/deploy', [field('token', 'multi-segment')]),
        item("Clé d'accès (prod)", [field('token', 'unicode')]),
      ]),
      vault('Équipe ☃', [item('x', [field('y', 'snow')])]),
    ]);
  }

  it('finds a vault and an item by title', async () => {
    assert.equal(await value(twoItems(), 'op://Engineering/deploy/token'), 'by-title');
  });

  it('finds an item by a multi-segment title', async () => {
    assert.equal(
      await value(twoItems(), 'op://Engineering/services/loom/deploy/token'),
      'multi-segment',
    );
  });

  it('finds unicode and punctuation titles', async () => {
    const source = twoItems();
    assert.equal(await value(source, "op://Engineering/Clé d'accès (prod)/token"), 'unicode');
    assert.equal(await value(source, 'op://Équipe ☃/x/y'), 'snow');
  });

  it('finds a vault and an item by ID', async () => {
    const source = twoItems();
    const vaultId = source.vaultId('Engineering');
    const itemId = source.itemId('Engineering', 'deploy');
    assert.equal(await value(source, `op://${vaultId}/${itemId}/token`), 'by-title');
  });

  it('titles match exactly first, then ignoring case, as 1Password’s own tools do', async () => {
    assert.equal(await value(twoItems(), 'op://Engineering/Deploy/token'), 'by-title');
    assert.equal(await value(twoItems(), 'op://engineering/DEPLOY/TOKEN'), 'by-title');
    const cased = new MemorySource([
      vault('V', [item('Deploy', [field('f', 'upper')]), item('deploy', [field('f', 'lower')])]),
    ]);
    assert.equal(await value(cased, 'op://V/deploy/f'), 'lower');
    assert.equal(await value(cased, 'op://V/Deploy/f'), 'upper');
    await failure(cased, 'op://V/DEPLOY/f', 'SECRETS_REF_AMBIGUOUS');
  });

  it('an ID wins over a title that looks like another item’s ID', async () => {
    const wanted = newId('i');
    const source = new MemorySource([
      vault('V', [
        item('decoy', [field('f', 'by-title')], { id: newId('i') }),
        item('real', [field('f', 'by-id')], { id: wanted }),
      ]),
    ]);
    // Rename the decoy to carry the wanted ID as its title.
    const listed = source.vaults[0];
    assert.ok(listed);
    const decoy = listed.items[0];
    assert.ok(decoy);
    listed.items[0] = { ...decoy, title: wanted };
    assert.equal(await value(source, `op://V/${wanted}/f`), 'by-id');
  });

  it('an ID wins over a vault titled like another vault’s ID', async () => {
    const wanted = newId('v');
    const source = new MemorySource([
      vault('decoy', [item('I', [field('f', 'decoy')])]),
      vault('real', [item('I', [field('f', 'real')])], { id: wanted }),
    ]);
    const decoy = source.vaults[0];
    assert.ok(decoy);
    source.vaults[0] = { ...decoy, title: wanted };
    assert.equal(await value(source, `op://${wanted}/I/f`), 'real');
  });

  it('two items with the same title are SECRETS_REF_AMBIGUOUS', async () => {
    const source = new MemorySource([
      vault('V', [item('dup', [field('f', '1')]), item('dup', [field('f', '2')])]),
    ]);
    const error = await failure(source, 'op://V/dup/f', 'SECRETS_REF_AMBIGUOUS');
    assert.ok(!error.message.includes('"1"') && !error.message.includes('"2"'));
    // Either can still be named by its ID.
    const id = source.vaults[0]?.items[1]?.id ?? '';
    assert.equal(await value(source, `op://V/${id}/f`), '2');
  });

  it('two vaults with the same title are SECRETS_REF_AMBIGUOUS', async () => {
    const source = new MemorySource([
      vault('V', [item('I', [field('f', '1')])]),
      vault('V', [item('I', [field('f', '2')])]),
    ]);
    await failure(source, 'op://V/I/f', 'SECRETS_REF_AMBIGUOUS');
  });

  it('a missing vault is SECRETS_REF_NOT_FOUND naming the vault', async () => {
    const error = await failure(twoItems(), 'op://Nope/deploy/token', 'SECRETS_REF_NOT_FOUND');
    assert.match(error.message, /Nope/);
  });

  it('a missing item is SECRETS_REF_NOT_FOUND naming the item', async () => {
    const error = await failure(twoItems(), 'op://Engineering/nope/token', 'SECRETS_REF_NOT_FOUND');
    assert.match(error.message, /nope/);
    assert.match(error.message, /item/);
  });

  it('a missing field is SECRETS_REF_NOT_FOUND naming the field', async () => {
    const error = await failure(
      twoItems(),
      'op://Engineering/deploy/nope',
      'SECRETS_REF_NOT_FOUND',
    );
    assert.match(error.message, /nope/);
    assert.match(error.message, /field/);
  });

  it('an unlisted vault ID is asked for: not-found', async () => {
    const source = twoItems();
    const missing = newId('v');
    await failure(source, `op://${missing}/deploy/token`, 'SECRETS_REF_NOT_FOUND');
    assert.equal(source.calls.getVault.get(missing), 1);
  });

  it('an unlisted vault ID the token may not read is SECRETS_ACCESS_DENIED', async () => {
    const hiddenId = newId('v');
    const source = new MemorySource([], {}, { [hiddenId]: 'denied' });
    await failure(source, `op://${hiddenId}/I/f`, 'SECRETS_ACCESS_DENIED');
  });

  it('values are exact: never trimmed', async () => {
    const exact = '  leading\nmiddle\r\ntrailing  \n\n';
    const source = new MemorySource([vault('V', [item('I', [field('f', exact)])])]);
    assert.equal(await value(source, 'op://V/I/f'), exact);
  });

  it('an empty field value resolves to the empty string', async () => {
    const source = new MemorySource([vault('V', [item('I', [field('f', '')])])]);
    assert.equal(await value(source, 'op://V/I/f'), '');
  });

  it('a failing ref does not affect the others', async () => {
    const source = twoItems();
    const refs = ['op://Engineering/deploy/token', 'op://Engineering/deploy/nope'].map((raw) =>
      parseRef(raw),
    );
    const outcomes = await new Resolver(source).resolveAll(refs);
    assert.equal(valueFrom(outcomes.get('op://Engineering/deploy/token') as Outcome), 'by-title');
    assert.ok(outcomes.get('op://Engineering/deploy/nope') instanceof SecretsError);
  });
});

describe('Resolver: fields', () => {
  it('the field outside any section wins over one in a section', async () => {
    const data = new MemorySource([
      vault('V', [
        item(
          'I',
          [field('password', 'in-section', { section: 's1' }), field('password', 'outside')],
          {
            sections: { s1: 'extra' },
          },
        ),
      ]),
    ]);
    assert.equal(await value(data, 'op://V/I/password'), 'outside');
    assert.equal(await value(data, 'op://V/I/extra/password'), 'in-section');
  });

  it('same label in two sections, none outside: SECRETS_REF_AMBIGUOUS', async () => {
    const data = new MemorySource([
      vault('V', [
        item(
          'I',
          [field('password', 'a', { section: 's1' }), field('password', 'b', { section: 's2' })],
          { sections: { s1: 'one', s2: 'two' } },
        ),
      ]),
    ]);
    await failure(data, 'op://V/I/password', 'SECRETS_REF_AMBIGUOUS');
    assert.equal(await value(data, 'op://V/I/one/password'), 'a');
  });

  it('same label twice outside sections: SECRETS_REF_AMBIGUOUS', async () => {
    const data = new MemorySource([
      vault('V', [item('I', [field('password', 'a'), field('password', 'b')])]),
    ]);
    await failure(data, 'op://V/I/password', 'SECRETS_REF_AMBIGUOUS');
  });

  it('same label twice in one section: SECRETS_REF_AMBIGUOUS', async () => {
    const data = new MemorySource([
      vault('V', [
        item('I', [field('key', 'a', { section: 's1' }), field('key', 'b', { section: 's1' })], {
          sections: { s1: 'sec' },
        }),
      ]),
    ]);
    await failure(data, 'op://V/I/sec/key', 'SECRETS_REF_AMBIGUOUS');
  });

  it('a field may be named by its ID', async () => {
    const fieldId = newId('f');
    const data = new MemorySource([
      vault('V', [item('I', [field('dup', 'a', { id: fieldId }), field('dup', 'b')])]),
    ]);
    assert.equal(await value(data, `op://V/I/${fieldId}`), 'a');
  });
});

describe('Resolver: whole items', () => {
  it('names each field, with sections, skipping empty values', async () => {
    const data = new MemorySource([
      vault('V', [
        item(
          'service',
          [
            field('api key', 'k'),
            field('username', 'me', { type: 'STRING' }),
            field('host name', 'db.local', { section: 's1' }),
            field('port', '5432', { section: 's1' }),
            field('in unlabelled', 'u', { section: 's2' }),
            field('empty', ''),
            field('one-time password', 'otpauth://x', { type: 'OTP', totp: '654321' }),
          ],
          {
            sections: { s1: 'Database Info', s2: '' },
            files: [file('attachment.txt', 'not exported')],
          },
        ),
      ]),
    ]);
    const fields = itemFields(await resolveOne(data, 'op://V/service/*'));
    assert.deepEqual(
      fields.sort((a, b) => a.suffix.localeCompare(b.suffix)),
      [
        { suffix: 'API_KEY', value: 'k' },
        { suffix: 'DATABASE_INFO_HOST_NAME', value: 'db.local' },
        { suffix: 'DATABASE_INFO_PORT', value: '5432' },
        { suffix: 'IN_UNLABELLED', value: 'u' },
        { suffix: 'ONE_TIME_PASSWORD', value: '654321' },
        { suffix: 'USERNAME', value: 'me' },
      ],
    );
    assert.equal(data.calls.getFile.size, 0, 'attachments are not fetched');
  });

  it('values of a whole item are exact', async () => {
    const pem = '-----BEGIN X-----\nabc\n-----END X-----\n';
    const data = new MemorySource([vault('V', [item('I', [field('pem', pem)])])]);
    assert.deepEqual(itemFields(await resolveOne(data, 'op://V/I/*')), [
      { suffix: 'PEM', value: pem },
    ]);
  });

  it('the item path before * is every segment (no section reading)', async () => {
    const data = new MemorySource([
      vault('V', [
        item('a/b', [field('x', 'path')]),
        item('a', [field('x', 'section', { section: 'sb' })], { sections: { sb: 'b' } }),
      ]),
    ]);
    assert.deepEqual(itemFields(await resolveOne(data, 'op://V/a/b/*')), [
      { suffix: 'X', value: 'path' },
    ]);
  });

  const collisions: { why: string; item: ItemSpec; names: string[] }[] = [
    {
      why: 'two labels that map to one name',
      item: item('I', [field('api key', '1'), field('api-key', '2')]),
      names: ['api key', 'api-key'],
    },
    {
      why: 'a section and label against a plain label',
      item: item('I', [field('db host', '1'), field('host', '2', { section: 's1' })], {
        sections: { s1: 'db' },
      }),
      names: ['db host', 'host'],
    },
    {
      why: 'the same label twice',
      item: item('I', [field('password', '1'), field('password', '2')]),
      names: ['password'],
    },
    {
      why: 'a label that maps to nothing',
      item: item('I', [field('***', '1')]),
      names: ['***'],
    },
  ];
  for (const c of collisions) {
    it(`${c.why}: SECRETS_CONFIG_INVALID naming the fields`, async () => {
      const data = new MemorySource([vault('V', [c.item])]);
      const error = await failure(data, 'op://V/I/*', 'SECRETS_CONFIG_INVALID');
      for (const name of c.names) assert.ok(error.message.includes(name), `names ${name}`);
    });
  }

  it('a field in an unlabelled section collides with the same label outside sections', async () => {
    const data = new MemorySource([
      vault('V', [
        item('I', [field('token', '1'), field('token', '2', { section: 's0' })], {
          sections: { s0: '' },
        }),
      ]),
    ]);
    await failure(data, 'op://V/I/*', 'SECRETS_CONFIG_INVALID');
  });

  it('empty fields do not collide', async () => {
    const data = new MemorySource([
      vault('V', [item('I', [field('api key', 'k'), field('api-key', '')])]),
    ]);
    assert.deepEqual(itemFields(await resolveOne(data, 'op://V/I/*')), [
      { suffix: 'API_KEY', value: 'k' },
    ]);
  });
});

describe('Resolver: attached files', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x2d, 0x2d, 0x0a, 0x0d, 0x0a, 0x00, 0xff]);

  it('a file resolves to its bytes, exactly', async () => {
    const data = new MemorySource([
      vault('V', [item('I', [], { files: [file('bundle.pem', bytes)] })]),
    ]);
    const resolved = await value(data, 'op://V/I/bundle.pem');
    assert.ok(resolved instanceof Uint8Array);
    assert.deepEqual([...resolved], [...bytes]);
  });

  it('a file may be named by its ID', async () => {
    const fileId = newId('a');
    const data = new MemorySource([
      vault('V', [item('I', [], { files: [file('x.pem', 'pem', { id: fileId })] })]),
    ]);
    assert.deepEqual(
      Buffer.from((await value(data, `op://V/I/${fileId}`)) as Uint8Array).toString(),
      'pem',
    );
  });

  it('a field of the same label wins over the file', async () => {
    const data = new MemorySource([
      vault('V', [
        item('I', [field('cert.pem', 'field-value')], {
          files: [file('cert.pem', 'file-content')],
        }),
      ]),
    ]);
    assert.equal(await value(data, 'op://V/I/cert.pem'), 'field-value');
    assert.equal(data.calls.getFile.size, 0);
  });

  it('two files with the same name are SECRETS_REF_AMBIGUOUS', async () => {
    const data = new MemorySource([
      vault('V', [item('I', [], { files: [file('dup.txt', '1'), file('dup.txt', '2')] })]),
    ]);
    await failure(data, 'op://V/I/dup.txt', 'SECRETS_REF_AMBIGUOUS');
  });

  it('a file in a section through the four-segment form', async () => {
    const data = new MemorySource([
      vault('V', [
        item('I', [], {
          sections: { s1: 'certs' },
          files: [file('ca.pem', 'CA', { section: 's1' })],
        }),
      ]),
    ]);
    assert.equal(
      Buffer.from((await value(data, 'op://V/I/certs/ca.pem')) as Uint8Array).toString(),
      'CA',
    );
  });

  it('each file is fetched once for several refs', async () => {
    const data = new MemorySource([vault('V', [item('I', [], { files: [file('f.txt', 'x')] })])]);
    const id = data.vaults[0]?.items[0]?.files[0]?.id ?? '';
    await new Resolver(data).resolveAll([parseRef('op://V/I/f.txt'), parseRef(`op://V/I/${id}`)]);
    assert.deepEqual([...data.calls.getFile.values()], [1]);
  });
});

describe('Resolver: backend failures', () => {
  function data(failures: Failures): MemorySource {
    return new MemorySource([vault('V', [item('I', [field('f', 'v')])])], failures);
  }

  it("SourceError('unavailable') makes resolveAll reject with SECRETS_PROVIDER_UNAVAILABLE", async () => {
    const source = data({ listVaults: 'unavailable' });
    await assert.rejects(
      new Resolver(source).resolveAll([parseRef('op://V/I/f'), parseRef('op://V/I/g')]),
      (thrown: unknown) => {
        assert.ok(thrown instanceof SecretsError);
        assert.equal(thrown.code, 'SECRETS_PROVIDER_UNAVAILABLE');
        assert.equal(thrown.secret, undefined, 'one failure for the whole provider');
        assert.ok(!thrown.message.includes('ops_leakedtoken123'), 'tokens are scrubbed');
        return true;
      },
    );
  });

  it('unavailable while fetching an item also rejects', async () => {
    const source = data({});
    const itemId = source.itemId('V', 'I');
    source.failures.getItem = { [itemId]: 'unavailable' };
    await assert.rejects(
      new Resolver(source).resolveAll([parseRef('op://V/I/f')]),
      (thrown: unknown) =>
        thrown instanceof SecretsError && thrown.code === 'SECRETS_PROVIDER_UNAVAILABLE',
    );
  });

  it("SourceError('denied') is a SECRETS_ACCESS_DENIED outcome", async () => {
    const source = data({});
    source.failures.listItems = { [source.vaultId('V')]: 'denied' };
    const outcomes = await new Resolver(source).resolveAll([parseRef('op://V/I/f')]);
    const outcome = outcomes.get('op://V/I/f');
    assert.ok(outcome instanceof SecretsError);
    assert.equal(outcome.code, 'SECRETS_ACCESS_DENIED');
  });

  it("SourceError('invalid') is a SECRETS_REF_INVALID outcome", async () => {
    const source = data({});
    source.failures.getItem = { [source.itemId('V', 'I')]: 'invalid' };
    await failure(source, 'op://V/I/f', 'SECRETS_REF_INVALID');
  });

  it("SourceError('not-found') is a SECRETS_REF_NOT_FOUND outcome", async () => {
    const source = data({});
    source.failures.getItem = { [source.itemId('V', 'I')]: 'not-found' };
    await failure(source, 'op://V/I/f', 'SECRETS_REF_NOT_FOUND');
  });

  it('an unexpected exception is a provider failure, scrubbed', async () => {
    const source = data({});
    source.listVaults = async () => {
      throw new Error('boom Bearer abc.def');
    };
    await assert.rejects(
      new Resolver(source).resolveAll([parseRef('op://V/I/f')]),
      (thrown: unknown) => {
        assert.ok(thrown instanceof SecretsError);
        assert.equal(thrown.code, 'SECRETS_PROVIDER_UNAVAILABLE');
        assert.ok(!thrown.message.includes('abc.def'));
        return true;
      },
    );
  });
});
