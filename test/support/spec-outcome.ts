/**
 * What a parse gives, as the hand-written input cases compare it: each spec as a row (name,
 * canonical ref, file, mask) and each error as its code and the secret it belongs to; and the
 * raw specs those cases hand to buildSpecs.
 */
import type { ErrorCode, SecretsError } from '../../src/errors.ts';
import type { buildSpecs, ParsedSpecs } from '../../src/secret-specs.ts';

export type RawSpec = Parameters<typeof buildSpecs>[0][number];

/** A raw spec with the default options (no file, masked). */
export function raw(name: string, ref: string, source: RawSpec['source'] = 'secrets'): RawSpec {
  return { name, ref, file: false, mask: true, source };
}

/** A spec as compared here: name, canonical ref text, file (default false), mask (default true). */
export type SpecRow = [name: string, ref: string, file?: boolean, mask?: boolean];
/** An error as compared here: code and the secret it belongs to (undefined: the whole input). */
export type ErrorRow = [code: ErrorCode, secret?: string | undefined];

export interface Outcome {
  specs: SpecRow[];
  errors: ErrorRow[];
}

/** The outcome of `parsed`, with `extraErrors` (an earlier stage's) first. */
export function outcomeOf(parsed: ParsedSpecs, extraErrors: readonly SecretsError[] = []): Outcome {
  return {
    specs: parsed.specs.map((spec) => [spec.name, spec.ref.text, spec.file, spec.mask]),
    errors: [...extraErrors, ...parsed.errors].map((error) => [error.code, error.secret]),
  };
}

/** An expected outcome written briefly (no specs, no errors, default options) in full. */
export function expectedOutcome(expected: { specs?: SpecRow[]; errors?: ErrorRow[] }): Outcome {
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
