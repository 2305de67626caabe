/**
 * From what the backend answered to the names the step exports: values, whole items, attached
 * files, rendered templates and the variables of an Environment.
 */
import type { EnvironmentVariable } from './backends/source.ts';
import { Code, SecretsError } from './errors.ts';
import type { Entry } from './export.ts';
import { fileNameProblem } from './files.ts';
import { nameKey, nameProblem } from './names.ts';
import { isWholeItem } from './refs.ts';
import type { Outcome } from './resolve.ts';
import type { SecretSpec } from './secret-specs.ts';
import { renderTemplate, type Template } from './templates.ts';
import { utf8 } from './text.ts';

/** The name a field of the whole item `spec` is exported as. */
export function fieldName(spec: SecretSpec, suffix: string): string {
  return `${spec.name}_${suffix}`;
}

/**
 * Secrets and templates to be written to files whose names the runner's OS refuses, each
 * reported, before any request (the fields of a whole item are named once resolved: `collect`).
 */
export function fileNameErrors(
  specs: readonly SecretSpec[],
  templates: readonly Template[],
  platform: NodeJS.Platform,
): SecretsError[] {
  const files = [
    ...specs
      .filter((spec) => spec.file && !isWholeItem(spec.ref))
      .map((spec) => ({ name: spec.name, ref: spec.ref.text })),
    ...templates.map((template) => ({ name: template.name, ref: template.path })),
  ];
  return files.flatMap(({ name, ref }) => {
    const problem = fileNameProblem(name, platform);
    return problem === undefined ? [] : [new SecretsError(Code.configInvalid, problem, name, ref)];
  });
}

/**
 * Turns each secret's outcome into the names it exports, or its failure. `others` are the names
 * the step's other secrets (its templates) take: a whole item's field may not take them either,
 * nor, with `file: true`, a name the runner's OS (`platform`) refuses for a file.
 */
export function collect(
  specs: readonly SecretSpec[],
  outcomes: ReadonlyMap<string, Outcome>,
  others: readonly string[],
  platform: NodeJS.Platform,
): { entries: Entry[]; errors: SecretsError[] } {
  const entries: Entry[] = [];
  const errors: SecretsError[] = [];
  const owners = new Map(
    [...specs.map((spec) => spec.name), ...others].map((name) => [nameKey(name), name]),
  );
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
        name: fieldName(spec, field.suffix),
      }));
      // Every refused field at once, in the item's one annotation.
      const refused = named.flatMap((field) => {
        const becomes = `field ${field.label} becomes ${field.name}, which`;
        const other = owners.get(nameKey(field.name));
        if (other !== undefined) return [`${becomes} clashes with the secret ${other}`];
        const problem =
          nameProblem(field.name) ??
          (spec.file ? fileNameProblem(field.name, platform) : undefined);
        return problem === undefined ? [] : [`${becomes} is refused: ${problem}`];
      });
      if (refused.length > 0) {
        fail(Code.configInvalid, refused.join('; '));
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

/** A variable's name as reports show it: an empty one as `""`. */
export function shownName(name: string): string {
  return name === '' ? '""' : name;
}

/** The label of an Environment in reports; never a secret's name (it holds a space). */
export function environmentLabel(id: string): string {
  return `environment ${id}`;
}

/** Each template rendered in memory: one file entry whose placed values are masked. */
export function templateEntries(
  templates: readonly Template[],
  outcomes: ReadonlyMap<string, Outcome>,
): { entries: Entry[]; errors: SecretsError[] } {
  const entries: Entry[] = [];
  const errors: SecretsError[] = [];
  for (const template of templates) {
    const rendered = renderTemplate(template, outcomes);
    if ('errors' in rendered) {
      errors.push(...rendered.errors);
      continue;
    }
    entries.push({
      name: template.name,
      value: rendered.bytes,
      file: true,
      // The file as a whole is not a secret; every value placed in it is.
      mask: false,
      placed: rendered.placed,
    });
  }
  return { entries, errors };
}

/**
 * The variables of an Environment as secrets of their names. A name the action refuses, or one
 * that another secret of the step already exports, is a configuration error naming both.
 */
export function environmentEntries(
  environmentId: string,
  variables: readonly EnvironmentVariable[],
  taken: readonly Entry[],
): { entries: Entry[]; errors: SecretsError[] } {
  const entries: Entry[] = [];
  const errors: SecretsError[] = [];
  const owners = new Map(taken.map((entry) => [nameKey(entry.name), `the secret ${entry.name}`]));
  const label = environmentLabel(environmentId);
  for (const variable of variables) {
    const fail = (message: string) =>
      errors.push(new SecretsError(Code.configInvalid, message, shownName(variable.name), label));
    const problem = nameProblem(variable.name);
    if (problem !== undefined) {
      fail(`the Environment's variable is refused: ${problem}`);
      continue;
    }
    const owner = owners.get(nameKey(variable.name));
    if (owner !== undefined) {
      fail(`the Environment's variable ${variable.name} clashes with ${owner}`);
      continue;
    }
    owners.set(nameKey(variable.name), `the Environment's variable ${variable.name}`);
    // Masked whatever the Environment's own display flag says.
    entries.push({ name: variable.name, value: variable.value, file: false, mask: true });
  }
  return { entries, errors };
}
