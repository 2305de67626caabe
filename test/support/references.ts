/** Table-driven parseRef checks, shared by the files of test/unit/references. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SecretsError } from '../../src/errors.ts';
import { parseRef, type Reading, type RefOption } from '../../src/refs.ts';

export interface Accepted {
  raw: string;
  vault: string;
  readings: Reading[];
  option?: RefOption;
  defaultVault?: string;
  /** The canonical text, when it is not `raw`. */
  text?: string;
}

export interface Rejected {
  why: string;
  raw: string;
  defaultVault?: string;
}

export function refInvalid(raw: string, defaultVault?: string): void {
  assert.throws(
    () => parseRef(raw, defaultVault),
    (thrown: unknown) => {
      assert.ok(
        thrown instanceof SecretsError,
        `expected a SecretsError for ${JSON.stringify(raw)}`,
      );
      assert.equal(thrown.code, 'SECRETS_REF_INVALID');
      return true;
    },
    `${JSON.stringify(raw)} must be rejected`,
  );
}

/** One test per case: parseRef gives this vault, these readings, this option and text. */
export function itAccepts(cases: readonly Accepted[]): void {
  for (const c of cases) {
    it(`${c.raw}${c.defaultVault === undefined ? '' : ` (vault ${c.defaultVault})`}`, () => {
      const ref = parseRef(c.raw, c.defaultVault);
      assert.equal(ref.vault, c.vault);
      assert.deepEqual(ref.readings, c.readings);
      assert.deepEqual(ref.option, c.option);
      assert.equal(ref.text, c.text ?? c.raw);
    });
  }
}

/** One test per case: parseRef throws SECRETS_REF_INVALID. */
export function itRejects(cases: readonly Rejected[]): void {
  for (const c of cases) {
    it(`${c.why}: ${JSON.stringify(c.raw)}`, () => refInvalid(c.raw, c.defaultVault));
  }
}
