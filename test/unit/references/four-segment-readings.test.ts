/**
 * A reference of four or more segments: `op://V/a/b/F` reads as item "a/b" or as item "a",
 * section "b"; five or more segments, and `*`, have the item-path reading alone. Both readings
 * matching is SECRETS_REF_AMBIGUOUS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretsError } from '../../../src/errors.ts';
import { parseRef } from '../../../src/refs.ts';
import { Resolver } from '../../../src/resolve.ts';
import { failure, MemorySource, value } from '../../support/memory-source.ts';
import { type Accepted, itAccepts } from '../../support/references.ts';
import { field, item, type ItemSpec, vault } from '../../support/vaults.ts';

describe('parseRef: four-segment readings', () => {
  const cases: Accepted[] = [
    {
      raw: 'op://V/a/b/F',
      vault: 'V',
      readings: [
        { item: 'a/b', field: 'F' },
        { item: 'a', section: 'b', field: 'F' },
      ],
    },
    {
      raw: 'op://Platform/db/staging/password',
      vault: 'Platform',
      readings: [
        { item: 'db/staging', field: 'password' },
        { item: 'db', section: 'staging', field: 'password' },
      ],
    },
    {
      raw: 'op://V/a/b/c/F',
      vault: 'V',
      readings: [{ item: 'a/b/c', field: 'F' }],
    },
    {
      raw: 'op://V/a/b/c/d/e/F',
      vault: 'V',
      readings: [{ item: 'a/b/c/d/e', field: 'F' }],
    },
    {
      raw: 'op://V/a/b/*',
      vault: 'V',
      readings: [{ item: 'a/b', wholeItem: true }],
    },
    {
      raw: 'op://V/a/b/c/*',
      vault: 'V',
      readings: [{ item: 'a/b/c', wholeItem: true }],
    },
    {
      raw: 'op://V/a/b/otp?attribute=otp',
      vault: 'V',
      readings: [
        { item: 'a/b', field: 'otp' },
        { item: 'a', section: 'b', field: 'otp' },
      ],
      option: { kind: 'otp' },
    },
  ];

  itAccepts(cases);
});

describe('Resolver: four-segment readings', () => {
  function source(options: { path: boolean; section: boolean; itemA?: boolean }): MemorySource {
    const items: ItemSpec[] = [];
    if (options.path) items.push(item('a/b', [field('F', 'from-path')]));
    if (options.section) {
      items.push(
        item('a', [field('F', 'from-section', { section: 'sb' }), field('other', 'x')], {
          sections: { sb: 'b' },
        }),
      );
    } else if (options.itemA) {
      items.push(item('a', [field('F', 'outside')], { sections: { sc: 'c' } }));
    }
    return new MemorySource([vault('V', items)]);
  }

  it('only the item path matches', async () => {
    assert.equal(await value(source({ path: true, section: false }), 'op://V/a/b/F'), 'from-path');
  });

  it('only the item path matches, while item "a" exists without section "b"', async () => {
    assert.equal(
      await value(source({ path: true, section: false, itemA: true }), 'op://V/a/b/F'),
      'from-path',
    );
  });

  it('only the section matches', async () => {
    assert.equal(
      await value(source({ path: false, section: true }), 'op://V/a/b/F'),
      'from-section',
    );
  });

  it('both readings match: SECRETS_REF_AMBIGUOUS', async () => {
    const error = await failure(
      source({ path: true, section: true }),
      'op://V/a/b/F',
      'SECRETS_REF_AMBIGUOUS',
    );
    assert.ok(!error.message.includes('from-path') && !error.message.includes('from-section'));
  });

  it('neither matches: SECRETS_REF_NOT_FOUND mentioning both readings', async () => {
    const error = await failure(
      new MemorySource([vault('V', [item('other')])]),
      'op://V/a/b/F',
      'SECRETS_REF_NOT_FOUND',
    );
    assert.match(error.message, /a\/b/, 'mentions item "a/b"');
    assert.match(error.message, /"a"/, 'mentions item "a"');
  });

  it('neither matches although both items exist: NOT_FOUND mentioning field and section', async () => {
    const data = new MemorySource([
      vault('V', [
        item('a/b', [field('G', '1')]),
        item('a', [field('G', '2', { section: 'sb' })], { sections: { sb: 'b' } }),
      ]),
    ]);
    const error = await failure(data, 'op://V/a/b/F', 'SECRETS_REF_NOT_FOUND');
    assert.match(error.message, /a\/b/);
    assert.match(error.message, /section "b"/);
  });

  it('the section reading only sees the fields of that section', async () => {
    const data = new MemorySource([
      vault('V', [
        item('a', [field('F', 'outside'), field('F', 'in-c', { section: 'sc' })], {
          sections: { sb: 'b', sc: 'c' },
        }),
      ]),
    ]);
    const error = await failure(data, 'op://V/a/b/F', 'SECRETS_REF_NOT_FOUND');
    assert.match(error.message, /F/);
    assert.equal(await value(data, 'op://V/a/c/F'), 'in-c');
  });

  it('five segments have only the item-path reading', async () => {
    const data = new MemorySource([
      vault('V', [
        item('a/b/c', [field('F', 'deep')]),
        item('a/b', [field('F', 'no', { section: 'sc' })], { sections: { sc: 'c' } }),
      ]),
    ]);
    assert.equal(await value(data, 'op://V/a/b/c/F'), 'deep');
  });

  it('a bare item/section/field in the default vault has both readings too', async () => {
    const ref = parseRef('a/b/F', 'V');
    const outcomes = await new Resolver(source({ path: true, section: true })).resolveAll([ref]);
    const outcome = outcomes.get('op://V/a/b/F');
    assert.ok(outcome instanceof SecretsError);
    assert.equal(outcome.code, 'SECRETS_REF_AMBIGUOUS');
  });
});
