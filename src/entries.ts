/** From each secret's outcome to the names it exports: values, whole items, attached files. */
import { Code, SecretsError } from './errors.ts';
import type { Entry } from './export.ts';
import { nameKey, nameProblem } from './names.ts';
import type { Outcome } from './resolve.ts';
import type { SecretSpec } from './secret-specs.ts';
import { utf8 } from './text.ts';

/** Turns each secret's outcome into the names it exports, or its failure. */
export function collect(
  specs: readonly SecretSpec[],
  outcomes: ReadonlyMap<string, Outcome>,
): { entries: Entry[]; errors: SecretsError[] } {
  const entries: Entry[] = [];
  const errors: SecretsError[] = [];
  const owners = new Map(specs.map((spec) => [nameKey(spec.name), spec.name]));
  for (const spec of specs) {
    const fail = (code: SecretsError['code'], message: string) =>
      errors.push(new SecretsError(code, message, spec.name, spec.ref.text));
    const outcome = outcomes.get(spec.ref.text);
    if (outcome === undefined) {
      fail(Code.providerUnavailable, 'the reference was not resolved');
    } else if (outcome instanceof SecretsError) {
      errors.push(outcome.forSecret(spec.name, spec.ref.text));
    } else if (outcome.kind === 'value') {
      // Bytes go as they are to a file; anywhere else they must be text.
      const value =
        typeof outcome.value === 'string' || spec.file ? outcome.value : utf8(outcome.value);
      if (value === undefined) {
        fail(
          Code.refInvalid,
          'the attached file is not UTF-8 text: add file: true to write its exact bytes',
        );
        continue;
      }
      entries.push({ name: spec.name, value, file: spec.file, mask: spec.mask });
    } else {
      const named = outcome.fields.map((field) => ({
        ...field,
        name: `${spec.name}_${field.suffix}`,
      }));
      const clash = named.find(
        (field) => nameProblem(field.name) || owners.has(nameKey(field.name)),
      );
      if (clash) {
        const other = owners.get(nameKey(clash.name));
        const why = other ? `clashes with the secret ${other}` : nameProblem(clash.name);
        fail(
          Code.configInvalid,
          `field ${clash.label} becomes ${clash.name}, which ${other ? why : `is refused: ${why}`}`,
        );
        continue;
      }
      for (const field of named) owners.set(nameKey(field.name), spec.name);
      entries.push(
        ...named.map((field) => ({
          name: field.name,
          value: field.value,
          file: spec.file,
          mask: spec.mask,
        })),
      );
    }
  }
  return { entries, errors };
}
